import { ApiProperty } from '@nestjs/swagger';
import type { Order } from '../order.entity';

export class OrderDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) productId!: string;
  @ApiProperty({ example: 2 }) quantity!: number;
  @ApiProperty({ example: 2400, description: 'Quantity times the unit price, in cents' })
  totalCents!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: Date;
}

export const toOrderDto = (order: Order): OrderDto => ({
  id: order.id,
  productId: order.productId,
  quantity: order.quantity,
  totalCents: order.totalCents,
  createdAt: order.createdAt,
});
