import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { CookieSerializeOptions } from '@nestjs/common';
import { AUTH_CONFIG } from '../config/auth.config';
import type { AuthConfig } from '../config/auth.config';

/**
 * Browser mode: both tokens travel only in HttpOnly cookies. The access cookie goes
 * everywhere on the origin (SameSite=Lax); the refresh cookie only to /auth and only
 * same-site (SameSite=Strict), so no other path or site ever sees it.
 *
 * Over https the names carry prefixes (`__Host-access_token`, `__Secure-refresh_token`, see
 * auth.config.ts) so that no sibling subdomain can plant either cookie. The refresh cookie
 * keeps Path=/auth (docs/api.md) rather than /auth/refresh: logout reads it too, to end the
 * session when the access token has already expired, and every path under /auth is
 * auth-service itself, so a narrower path would hide it from no other party.
 */
@Injectable()
export class AuthCookies {
  constructor(
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  private base(): CookieSerializeOptions {
    return {
      httpOnly: true,
      secure: this.config.cookies.secure,
      domain: this.config.cookies.domain,
    };
  }

  private accessOptions(): CookieSerializeOptions {
    return { ...this.base(), path: '/', sameSite: 'lax' };
  }

  private refreshOptions(): CookieSerializeOptions {
    return { ...this.base(), path: '/auth', sameSite: 'strict' };
  }

  set(
    reply: unknown,
    tokens: {
      accessToken: string;
      expiresIn: number;
      refreshToken: string;
      refreshExpiresIn: number;
    },
  ): void {
    const adapter = this.adapterHost.httpAdapter;
    const { accessName, refreshName } = this.config.cookies;
    adapter.setCookie(reply, accessName, tokens.accessToken, {
      ...this.accessOptions(),
      maxAge: tokens.expiresIn,
    });
    adapter.setCookie(reply, refreshName, tokens.refreshToken, {
      ...this.refreshOptions(),
      maxAge: tokens.refreshExpiresIn,
    });
  }

  /** Clears both cookies with the attributes they were set with (browsers match on path and domain). */
  clear(reply: unknown): void {
    const adapter = this.adapterHost.httpAdapter;
    adapter.clearCookie(reply, this.config.cookies.accessName, this.accessOptions());
    adapter.clearCookie(reply, this.config.cookies.refreshName, this.refreshOptions());
  }
}
