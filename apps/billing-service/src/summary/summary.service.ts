import { Injectable } from '@nestjs/common';
import { OrdersClient } from '../orders/orders.client';
import type { SummaryDto } from './dto/summary.dto';

@Injectable()
export class SummaryService {
  constructor(private readonly orders: OrdersClient) {}

  /**
   * Computed from orders-service on every request, asked with the caller's own token:
   * billing keeps no copy that could drift, and can only ever see what the caller may see.
   */
  async summarize(userId: string, accessToken: string, requestId?: string): Promise<SummaryDto> {
    const orders = await this.orders.listOrders(accessToken, requestId);
    return {
      userId,
      orderCount: orders.length,
      totalCents: orders.reduce((sum, order) => sum + order.totalCents, 0),
    };
  }
}
