import { Controller, Get, Module, Post } from '@nestjs/common';
import type { DynamicModule, INestApplication } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  AccessToken,
  AuthGuardModule,
  CurrentUser,
  FreshAuth,
  JwtAuthGuard,
  Public,
  RequireAal2,
  RequireVerifiedEmail,
  Roles,
  Strict,
} from '../src';
import type { AuthGuardModuleOptions, AuthUser } from '../src';

@Controller()
class ProbeController {
  @Public()
  @Get('open')
  open() {
    return { open: true };
  }

  @Get('me')
  me(@CurrentUser() user: AuthUser) {
    return user;
  }

  @Get('token')
  token(@AccessToken() token: string) {
    return { length: token.length };
  }

  @Roles('admin')
  @Post('admin')
  admin() {
    return { admin: true };
  }

  @RequireAal2()
  @Get('aal2')
  aal2(@CurrentUser() user: AuthUser) {
    return { aal: user.aal, amr: user.amr };
  }

  @RequireAal2({ whenEnrolled: true })
  @Get('aal2-when-enrolled')
  aal2WhenEnrolled() {
    return { ok: true };
  }

  @FreshAuth(300)
  @Get('fresh')
  fresh() {
    return { ok: true };
  }

  @RequireVerifiedEmail()
  @Get('verified')
  verified(@CurrentUser() user: AuthUser) {
    return { emailVerified: user.emailVerified };
  }

  @Strict()
  @Get('strict')
  strict() {
    return { strict: true };
  }
}

function probeModule(options: AuthGuardModuleOptions): DynamicModule {
  @Module({})
  class ProbeModule {}
  return {
    module: ProbeModule,
    imports: [AuthGuardModule.forRoot(options)],
    controllers: [ProbeController],
    providers: [{ provide: APP_GUARD, useExisting: JwtAuthGuard }],
  };
}

export type Adapter = 'fastify' | 'express';

/** A tiny app with the guard registered as other teams would, on either adapter. */
export async function createProbeApp(
  adapter: Adapter,
  options: AuthGuardModuleOptions,
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [probeModule(options)] }).compile();
  if (adapter === 'fastify') {
    const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      logger: false,
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    return app;
  }
  const app = moduleRef.createNestApplication<NestExpressApplication>(new ExpressAdapter(), {
    logger: false,
  });
  await app.init();
  return app;
}
