import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Length } from 'class-validator';

export class PasskeyResponseDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'What `navigator.credentials.create()`/`get()` returned, as JSON (base64url fields)',
  })
  @IsObject()
  response!: Record<string, unknown>;
}

export class RegisterPasskeyDto extends PasskeyResponseDto {
  @ApiPropertyOptional({ example: 'Laptop', maxLength: 64 })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  name?: string;
}

export class PasskeyDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ nullable: true, type: Date }) lastUsedAt!: Date | null;
}

export class WebAuthnOptionsDto {
  @ApiProperty({ description: 'Base64url challenge, single use' }) challenge!: string;
}
