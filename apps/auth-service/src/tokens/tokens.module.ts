import { Module } from '@nestjs/common';
import { AccessTokensService } from './access-tokens.service';
import { JwksController } from './jwks.controller';
import { ServerSecrets } from './server-secrets';
import { SigningKeysService } from './signing-keys.service';

@Module({
  controllers: [JwksController],
  providers: [ServerSecrets, SigningKeysService, AccessTokensService],
  exports: [ServerSecrets, SigningKeysService, AccessTokensService],
})
export class TokensModule {}
