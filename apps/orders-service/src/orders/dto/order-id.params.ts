import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

/** A malformed id is the client's mistake (400), never a database error. */
export class OrderIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}
