import { Injectable } from '@nestjs/common';
import { OrdersClient } from '../orders/orders.client';
import type { SummaryDto } from './dto/summary.dto';

@Injectable()
export class SummaryService {
  constructor(private readonly orders: OrdersClient) {}

  /**
   * Asked of orders-service on every request, with the caller's own token: billing keeps no
   * copy that could drift, and can only ever see what the caller may see. orders-service
   * aggregates in SQL, so the cost does not grow with the number of orders.
   */
  async summarize(userId: string, accessToken: string, requestId?: string): Promise<SummaryDto> {
    const { orderCount, totalCents } = await this.orders.summary(accessToken, requestId);
    return { userId, orderCount, totalCents };
  }
}
