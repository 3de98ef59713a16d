import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class UserDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: ['user', 'admin'] }) role!: 'user' | 'admin';
  @ApiProperty() emailVerified!: boolean;
}

export class AccountDto extends UserDto {
  @ApiProperty({ format: 'date-time' }) createdAt!: Date;
}

export class TokenResponseDto {
  @ApiProperty({ example: 'Bearer' }) tokenType!: 'Bearer';
  @ApiPropertyOptional({ description: 'Absent in cookie mode' }) accessToken?: string;
  @ApiProperty({ example: 900 }) expiresIn!: number;
  @ApiPropertyOptional({ description: 'Absent in cookie mode' }) refreshToken?: string;
  @ApiProperty({ example: 2592000 }) refreshExpiresIn!: number;
  @ApiProperty({ format: 'uuid' }) sessionId!: string;
  @ApiProperty({ type: UserDto }) user!: UserDto;
}

export class SessionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ format: 'date-time' }) lastUsedAt!: Date;
  @ApiProperty({ format: 'date-time' }) expiresAt!: Date;
  @ApiProperty({ nullable: true, type: String }) userAgent!: string | null;
  @ApiProperty({ nullable: true, type: String }) ip!: string | null;
  @ApiProperty() current!: boolean;
}
