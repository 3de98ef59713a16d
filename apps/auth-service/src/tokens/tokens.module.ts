import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AccessTokenSigner } from './access-token-signer';
import { AccessTokensService } from './access-tokens.service';
import { JwksController } from './jwks.controller';
import { ServerSecrets } from './server-secrets';
import { SigningKeysService } from './signing-keys.service';

@Module({
  // No module-wide secret: the signer passes the current key with every call (rotation).
  imports: [JwtModule.register({})],
  controllers: [JwksController],
  providers: [ServerSecrets, SigningKeysService, AccessTokenSigner, AccessTokensService],
  exports: [ServerSecrets, SigningKeysService, AccessTokenSigner, AccessTokensService],
})
export class TokensModule {}
