import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Length, Matches, Max, Min } from 'class-validator';

/** Prices above a million currency units are far more likely a typo than a product. */
export const MAX_PRICE_CENTS = 100_000_000;

export class CreateProductDto {
  @ApiProperty({ example: 'Ceramic mug', minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  @Matches(/\S/, { message: 'name must not be blank' })
  name!: string;

  @ApiProperty({
    example: 1200,
    minimum: 0,
    maximum: MAX_PRICE_CENTS,
    description: 'Price in cents',
  })
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE_CENTS)
  priceCents!: number;
}
