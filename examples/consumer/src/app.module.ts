import { Controller, Get, Module, Post } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthGuardModule, CurrentUser, JwtAuthGuard, Public, Roles } from '@hybrid-auth/auth-guard';
import type { AuthUser } from '@hybrid-auth/auth-guard';

@Controller('inventory')
class InventoryController {
  @Public()
  @Get('items')
  items() {
    return [{ sku: 'lamp', count: 3 }];
  }

  @Get('me')
  me(@CurrentUser() user: AuthUser) {
    return { userId: user.userId, role: user.role };
  }

  @Roles('admin')
  @Post('items')
  add() {
    return { added: true };
  }
}

/** What the library README's five-minute guide shows, nothing more. */
@Module({})
export class AppModule {
  static register(jwksUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AuthGuardModule.forRoot({ issuer: 'hybrid-auth', audience: 'inventory-service', jwksUrl }),
      ],
      controllers: [InventoryController],
      providers: [{ provide: APP_GUARD, useExisting: JwtAuthGuard }],
    };
  }
}
