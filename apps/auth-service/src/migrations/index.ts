import { InitialSchema1764300000000 } from './1764300000000-initial-schema';
import { GraceAnswer1764900000000 } from './1764900000000-grace-answer';

/** Every migration, in order. New ones are appended here. */
export const MIGRATIONS = [InitialSchema1764300000000, GraceAnswer1764900000000];
