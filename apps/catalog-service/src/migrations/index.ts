import { CreateProducts1764400000000 } from './1764400000000-create-products';

/** Every migration, in order. New ones are appended here. */
export const MIGRATIONS = [CreateProducts1764400000000];
