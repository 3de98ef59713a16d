import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length, Matches, ValidateIf } from 'class-validator';
import { TokenResponseDto } from '../auth/dto/responses.dto';

export class TotpCodeDto {
  @ApiProperty({ example: '123456', description: 'The 6 digits the authenticator shows' })
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code!: string;
}

/** Exactly one of `code` and `recoveryCode`. */
export class MfaVerifyDto {
  @ApiPropertyOptional({ example: '123456' })
  @ValidateIf((dto: MfaVerifyDto) => dto.recoveryCode === undefined || dto.code !== undefined)
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code?: string;

  @ApiPropertyOptional({ example: 'a1b2c-3d4e5-f6a7b-8c9d0' })
  @ValidateIf((dto: MfaVerifyDto) => dto.code === undefined)
  @IsString()
  @Length(1, 64)
  recoveryCode?: string;
}

export class TotpEnrollmentDto {
  @ApiProperty({ description: 'The base32 seed, for typing into an authenticator by hand' })
  secret!: string;
  @ApiProperty({ example: 'otpauth://totp/hybrid-auth:ada%40example.com?secret=…' })
  otpauthUrl!: string;
  @ApiProperty({ description: 'The otpauth URL as a QR code: an SVG data URL for an <img>' })
  qrCode!: string;
}

export class MfaStatusDto {
  @ApiProperty() totpEnrolled!: boolean;
  @ApiProperty() recoveryCodesLeft!: number;
  @ApiProperty({ description: 'How many passkeys the user has' }) passkeys!: number;
}

export class TotpConfirmedDto extends TokenResponseDto {
  @ApiProperty({ type: [String], description: 'Ten single-use recovery codes, shown only now' })
  recoveryCodes!: string[];
}
