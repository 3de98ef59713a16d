import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { EVENT_TYPES } from './event-types';
import type { AuthEventType } from './event-types';

export const MAX_PAGE = 100;
export const DEFAULT_PAGE = 50;

/** `limit` as given (a query string), or the default page size. */
export const pageSize = (limit: string | undefined): number =>
  limit === undefined ? DEFAULT_PAGE : Number(limit);

export class PageQueryDto {
  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page (opaque).' })
  @IsOptional()
  @IsString()
  @MaxLength(400)
  cursor?: string;

  @ApiPropertyOptional({ description: `Page size, 1 to ${MAX_PAGE} (default ${DEFAULT_PAGE}).` })
  @IsOptional()
  @IsString()
  @Matches(/^(100|[1-9][0-9]?)$/, { message: `limit must be an integer from 1 to ${MAX_PAGE}` })
  limit?: string;
}

export class OwnEventsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: EVENT_TYPES })
  @IsOptional()
  @IsIn(EVENT_TYPES)
  type?: AuthEventType;
}

export class AdminEventsQueryDto extends OwnEventsQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  userId?: string;
}

export class AuthEventDto {
  @ApiProperty({ description: 'Opaque, increasing' }) id!: string;
  @ApiProperty({ enum: EVENT_TYPES }) type!: AuthEventType;
  @ApiProperty() at!: Date;
  @ApiProperty({ nullable: true, type: String }) userId!: string | null;
  @ApiProperty({ nullable: true, type: String }) sessionId!: string | null;
  @ApiProperty({ nullable: true, type: String }) ip!: string | null;
  @ApiProperty({ nullable: true, type: String }) userAgent!: string | null;
  @ApiProperty({
    description: 'Small facts about the event: `reason`, `role`, `actorId` (the admin who acted)…',
    type: 'object',
    additionalProperties: true,
  })
  details!: Record<string, unknown>;
}

export class EventPageDto {
  @ApiProperty({ type: [AuthEventDto] }) items!: AuthEventDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
