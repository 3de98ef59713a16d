import { Injectable } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthUser } from './auth-user';
import { ROLES_KEY } from './constants';
import type { Role } from './constants';
import { authError } from './errors';
import { PerHandler } from './per-handler';

/**
 * Enforces `@Roles(...)` on `request.user`. JwtAuthGuard already enforces them; this guard
 * remains for routes whose user is set by something else (then register it after that).
 */
@Injectable()
export class RolesGuard implements CanActivate {
  /** The `@Roles(...)` of each handler, read once; null when it has none. */
  private readonly required = new PerHandler<readonly Role[] | null>((targets) => {
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    return roles && roles.length > 0 ? roles : null;
  });

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.required.get(context);
    if (roles === null) return true;
    const user = context.switchToHttp().getRequest<{ user?: AuthUser }>().user;
    if (!user) throw authError('missing_token');
    if (!roles.includes(user.role)) throw authError('forbidden', `role ${user.role}`);
    return true;
  }
}
