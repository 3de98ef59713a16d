import { UseGuards, applyDecorators } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequireAal2, Roles } from '@hybrid-auth/auth-guard';
import { ApiAuthenticated, ApiErrors } from '@hybrid-auth/platform';
import { SelfAudienceGuard } from './self-audience.guard';

/**
 * What every admin controller asks of a caller: role admin, an access token for auth-service
 * alone (`aud: ["auth-service"]`, from login or refresh with `audience: "auth-service"`, see
 * SelfAudienceGuard) and, from an admin with a second factor, `aal2` (401
 * `insufficient_user_authentication` with the RFC 9470 challenge otherwise, from the global
 * guard), as for their own sessions. One decorator, so no admin route can miss a part.
 */
export const AdminOnly = () =>
  applyDecorators(
    ApiTags('admin'),
    ApiAuthenticated(),
    ApiErrors({ 401: ['insufficient_user_authentication'] }),
    Roles('admin'),
    RequireAal2({ whenEnrolled: true }),
    UseGuards(SelfAudienceGuard),
  );
