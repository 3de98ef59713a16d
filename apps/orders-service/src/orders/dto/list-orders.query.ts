import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

/** What a page cursor looks like on the wire: base64url, as `encodeCursor` makes it. */
const CURSOR = /^[A-Za-z0-9_-]{1,64}$/;

export class ListOrdersQuery {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
    default: DEFAULT_PAGE_SIZE,
    description: 'Orders per page',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({
    description: 'Opaque: the `X-Next-Cursor` of the previous page. Absent: the newest orders.',
  })
  @IsOptional()
  @Matches(CURSOR, { message: 'cursor must be the X-Next-Cursor of a previous page' })
  cursor?: string;
}
