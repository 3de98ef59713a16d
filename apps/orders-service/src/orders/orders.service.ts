import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { CatalogClient } from '../catalog/catalog.client';
import { Order } from './order.entity';
import { OrderRateLimiter } from './order-rate-limiter';

export interface OrdersPage {
  orders: Order[];
  /** The id of the last order shown, when older ones remain. */
  lastId?: string;
}

@Injectable()
export class OrdersService {
  constructor(
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    private readonly catalog: CatalogClient,
    private readonly rateLimit: OrderRateLimiter,
  ) {}

  /**
   * Places an order at the catalog's current price, asked at the moment of ordering (the
   * client never says what it costs). Null when the catalog does not know the product.
   * The order is counted against the user's rate limit first, before any work for it.
   */
  async place(
    userId: string,
    productId: string,
    quantity: number,
    requestId?: string,
    accessToken?: string,
  ): Promise<Order | null> {
    await this.rateLimit.consume(userId);
    const product = await this.catalog.findProduct(productId, requestId, accessToken);
    if (!product) return null;
    const order = this.orders.create({
      userId,
      productId,
      quantity,
      unitPriceCents: product.priceCents,
      totalCents: product.priceCents * quantity,
    });
    return this.orders.save(order);
  }

  /**
   * One page of the user's orders, newest first: at most `limit`, older than the order
   * `afterId` (keyset pagination on (created_at, id); see order-cursor.ts). `afterId` is
   * looked up among the user's own orders only: anyone else's id yields an empty page.
   */
  async pageFor(userId: string, limit: number, afterId?: string): Promise<OrdersPage> {
    const query = this.orders
      .createQueryBuilder('o')
      .where('o.user_id = :userId', { userId })
      .orderBy('o.createdAt', 'DESC')
      .addOrderBy('o.id', 'DESC')
      .limit(limit + 1);
    if (afterId) {
      query.andWhere(
        '(o.created_at, o.id) < (SELECT c.created_at, c.id FROM orders c WHERE c.id = :afterId AND c.user_id = :userId)',
        { afterId },
      );
    }
    const rows = await query.getMany();
    const orders = rows.slice(0, limit);
    return { orders, lastId: rows.length > limit ? orders[orders.length - 1].id : undefined };
  }

  /** Count and sum of the user's orders, computed by PostgreSQL without reading them out. */
  async summaryFor(userId: string): Promise<{ orderCount: number; totalCents: number }> {
    const row = await this.orders
      .createQueryBuilder('o')
      .select('count(*)', 'orderCount')
      .addSelect('coalesce(sum(o.total_cents), 0)', 'totalCents')
      .where('o.user_id = :userId', { userId })
      .getRawOne<{ orderCount: string; totalCents: string }>();
    // count is bigint and sum(bigint) numeric: pg sends both as strings. Totals stay far
    // below 2^53 (the order rate limit bounds them), so a number is exact.
    return { orderCount: Number(row?.orderCount ?? 0), totalCents: Number(row?.totalCents ?? 0) };
  }

  /** One of the user's orders; someone else's is indistinguishable from a missing one. */
  findFor(userId: string, id: string): Promise<Order | null> {
    return this.orders.findOneBy({ id, userId });
  }
}
