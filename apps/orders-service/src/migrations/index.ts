import { CreateOrders1764400000000 } from './1764400000000-create-orders';
import { OrdersKeysetIndex1765000000000 } from './1765000000000-orders-keyset-index';

/** Every migration, in order. New ones are appended here. */
export const MIGRATIONS = [CreateOrders1764400000000, OrdersKeysetIndex1765000000000];
