import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthUser } from './auth-user';
import { Roles } from './decorators';
import { AuthError } from './errors';
import { RolesGuard } from './roles.guard';

class Routes {
  @Roles('admin') adminOnly() {}
  open() {}
}

@Roles('admin')
class AdminController {
  anything() {}
  @Roles('user', 'admin') everyone() {}
}

const contextOf = (cls: object, handler: () => void, user?: Partial<AuthUser>) =>
  ({
    getClass: () => cls,
    getHandler: () => handler,
    switchToHttp: () => ({ getRequest: () => ({ user }) }),
  }) as unknown as ExecutionContext;

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof AuthError ? error.code : String(error);
  }
  return 'allowed';
};

/** For routes whose user another guard sets: JwtAuthGuard enforces @Roles on its own. */
describe('RolesGuard on its own', () => {
  const guard = new RolesGuard(new Reflector());
  const { adminOnly, open } = Routes.prototype;
  const { anything, everyone } = AdminController.prototype;

  it.each([
    ['a handler role, the right user', Routes, adminOnly, { role: 'admin' as const }, 'allowed'],
    ['a handler role, the wrong user', Routes, adminOnly, { role: 'user' as const }, 'forbidden'],
    ['a handler role, no user', Routes, adminOnly, undefined, 'missing_token'],
    ['no role at all, no user', Routes, open, undefined, 'allowed'],
    [
      'a class role, the wrong user',
      AdminController,
      anything,
      { role: 'user' as const },
      'forbidden',
    ],
    [
      'a handler role over the class one',
      AdminController,
      everyone,
      { role: 'user' as const },
      'allowed',
    ],
  ])('%s', (_name, cls, handler, user, expected) => {
    // Twice: the second answer comes from the per-handler memo.
    expect(refusal(() => guard.canActivate(contextOf(cls, handler, user)))).toBe(expected);
    expect(refusal(() => guard.canActivate(contextOf(cls, handler, user)))).toBe(expected);
  });
});
