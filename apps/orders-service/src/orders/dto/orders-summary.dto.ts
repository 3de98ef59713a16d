import { ApiProperty } from '@nestjs/swagger';

export class OrdersSummaryDto {
  @ApiProperty({ example: 3 }) orderCount!: number;
  @ApiProperty({ example: 9150, description: 'Sum of every order total, in cents' })
  totalCents!: number;
}
