import { Injectable } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { JwtAuthGuard } from '@hybrid-auth/auth-guard';

/**
 * The library's JwtAuthGuard instance (the one AuthGuardModule built and exports), for
 * @UseGuards on one route: given the class itself, Nest would try to build a second instance
 * inside this module, where the guard's private options are not visible. Services register
 * the same instance as an APP_GUARD; one delegating call is all this adds.
 */
@Injectable()
export class HybridGuard implements CanActivate {
  constructor(private readonly guard: JwtAuthGuard) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    return this.guard.canActivate(context);
  }
}
