import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../events/events.dto';

export class UsersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Part of the e-mail address (case-insensitive).' })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  query?: string;
}

export class DirectoryUserDto {
  @ApiProperty() id!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: ['user', 'admin'] }) role!: string;
  @ApiProperty() disabled!: boolean;
  @ApiProperty() emailVerified!: boolean;
  @ApiProperty() createdAt!: Date;
}

export class UserPageDto {
  @ApiProperty({ type: [DirectoryUserDto] }) items!: DirectoryUserDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class AdminSessionDto {
  @ApiProperty() id!: string;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() lastUsedAt!: Date;
  @ApiProperty() expiresAt!: Date;
  @ApiProperty({ nullable: true, type: String }) userAgent!: string | null;
  @ApiProperty({ nullable: true, type: String }) ip!: string | null;
}
