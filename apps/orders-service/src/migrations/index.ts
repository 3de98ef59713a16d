import { CreateOrders1764400000000 } from './1764400000000-create-orders';

/** Every migration, in order. New ones are appended here. */
export const MIGRATIONS = [CreateOrders1764400000000];
