import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ACCESS_TOKEN_ALG, ACCESS_TOKEN_TYP } from '@hybrid-auth/auth-guard';
import type { AccessTokenClaims, MachineTokenClaims } from '@hybrid-auth/auth-guard';
import type { KeyObject } from 'node:crypto';

/**
 * Writes access tokens through `@nestjs/jwt` (jsonwebtoken underneath): compact JWS, header
 * `{ alg: ES256, typ: at+jwt, kid }`, the P-256 private key passed as a KeyObject. The caller
 * passes the current signing key at every call, so a rotation takes effect on the next token.
 * The claims are written as given: `iat` and `exp` come from the service's clock, never from
 * jsonwebtoken's own (`expiresIn` and `notBefore` are not used).
 */
@Injectable()
export class AccessTokenSigner {
  constructor(private readonly jwt: JwtService) {}

  sign(claims: AccessTokenClaims | MachineTokenClaims, privateKey: KeyObject, kid: string): string {
    return this.jwt.sign(claims, {
      algorithm: ACCESS_TOKEN_ALG,
      privateKey,
      header: { alg: ACCESS_TOKEN_ALG, typ: ACCESS_TOKEN_TYP, kid },
    });
  }
}
