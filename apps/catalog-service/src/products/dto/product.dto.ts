import { ApiProperty } from '@nestjs/swagger';
import type { Product } from '../product.entity';

export class ProductDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Ceramic mug' }) name!: string;
  @ApiProperty({ example: 1200, description: 'Price in cents' }) priceCents!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: Date;
}

export const toProductDto = (product: Product): ProductDto => ({
  id: product.id,
  name: product.name,
  priceCents: product.priceCents,
  createdAt: product.createdAt,
});
