import { Controller, Get, UseGuards } from '@nestjs/common';
import { BetterAuthCookieCacheGuard, BetterAuthDatabaseGuard } from './better-auth.guard';
import { JwksRs256Guard } from './jwks.strategy';
import { NestJwtDocsGuard } from './nest-jwt.guard';

/** The same answer as every bench route; only the peer's guard in front of it differs. */
const answer = () => ({ ok: true });

/** What a team would pick instead of hybrid-auth, each as its own documentation shows it. */
@Controller('bench')
export class PeersController {
  @Get('nest-jwt')
  @UseGuards(NestJwtDocsGuard)
  nestJwt() {
    return answer();
  }

  @Get('passport-jwks')
  @UseGuards(JwksRs256Guard)
  passportJwks() {
    return answer();
  }

  @Get('better-auth')
  @UseGuards(BetterAuthDatabaseGuard)
  betterAuth() {
    return answer();
  }

  @Get('better-auth-cached')
  @UseGuards(BetterAuthCookieCacheGuard)
  betterAuthCached() {
    return answer();
  }
}
