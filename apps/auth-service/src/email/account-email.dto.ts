import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, Length, MaxLength } from 'class-validator';

export class EmailTokenDto {
  @ApiProperty({ description: 'The token from the link (after `#token=`)' })
  @IsString()
  @Length(1, 128)
  token!: string;
}

export class ForgotPasswordDto {
  @ApiProperty({ example: 'ada@example.com' })
  @IsEmail()
  @MaxLength(254)
  email!: string;
}

export class ResetPasswordDto extends EmailTokenDto {
  @ApiProperty({ minLength: 8, maxLength: 128 })
  @IsString()
  @Length(8, 128)
  newPassword!: string;
}

export class ChangeEmailDto {
  @ApiProperty({ example: 'ada@example.org' })
  @IsEmail()
  @MaxLength(254)
  newEmail!: string;

  @ApiProperty()
  @IsString()
  @Length(1, 128)
  currentPassword!: string;
}

export class EmailVerifiedDto {
  @ApiProperty({ example: true }) emailVerified!: boolean;
}
