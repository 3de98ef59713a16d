import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { CatalogClient } from '../catalog/catalog.client';
import { Order } from './order.entity';

@Injectable()
export class OrdersService {
  constructor(
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    private readonly catalog: CatalogClient,
  ) {}

  /**
   * Places an order at the catalog's current price, asked at the moment of ordering (the
   * client never says what it costs). Null when the catalog does not know the product.
   */
  async place(
    userId: string,
    productId: string,
    quantity: number,
    requestId?: string,
  ): Promise<Order | null> {
    const product = await this.catalog.findProduct(productId, requestId);
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

  /** The user's orders, newest first. */
  listFor(userId: string): Promise<Order[]> {
    return this.orders.find({ where: { userId }, order: { createdAt: 'DESC', id: 'DESC' } });
  }

  /** One of the user's orders; someone else's is indistinguishable from a missing one. */
  findFor(userId: string, id: string): Promise<Order | null> {
    return this.orders.findOneBy({ id, userId });
  }
}
