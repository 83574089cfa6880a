import {
  ExecutionContext,
  SetMetadata,
  UseGuards,
  applyDecorators,
  createParamDecorator,
} from '@nestjs/common';
import { ApiExtension, ApiSecurity } from '@nestjs/swagger';
import { API_KEY_SECURITY, AUTH_REQUIREMENT, BEARER_SECURITY, Scope } from './auth.constants';
import { ApiKeyGuard, AuthRequirement } from './auth.guard';
import { AuthMessages } from './auth.messages';
import { ApiErrorResponse } from './docs/api-error-response.decorator';
import { Principal } from './principal.interface';
import { principalOf } from './request-principal.util';

const security = () => [ApiSecurity(BEARER_SECURITY), ApiSecurity(API_KEY_SECURITY)];

/**
 * The route needs a key with `scope` (or `admin`). Guards the route and documents it: the
 * security schemes, the scope (`x-required-scope`), and its 401 and 403 answers.
 */
export function RequireScope(scope: Scope): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(AUTH_REQUIREMENT, { scope } satisfies AuthRequirement),
    UseGuards(ApiKeyGuard),
    ...security(),
    ApiExtension('x-required-scope', scope),
    ApiErrorResponse(
      401,
      'No key, or an unknown or revoked key (with `WWW-Authenticate: Bearer`)',
      {
        key_missing: AuthMessages.keyMissing,
        key_invalid: AuthMessages.keyInvalid,
      },
    ),
    ApiErrorResponse(
      403,
      `The key lacks the scope ${scope}; in local mode, a Host that is not a loopback name`,
      {
        scope_missing: AuthMessages.scopeMissing(scope),
        non_loopback_host: AuthMessages.nonLoopbackHost,
      },
    ),
  );
}

/**
 * The route serves anyone, and learns who calls when a key is given (an unknown key is still a
 * 401): health probes show details only to callers with `metrics:read`.
 */
export function OptionalAuth(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(AUTH_REQUIREMENT, { optional: true } satisfies AuthRequirement),
    UseGuards(ApiKeyGuard),
    ...security(),
    ApiErrorResponse(401, 'An unknown or revoked key was given (with `WWW-Authenticate: Bearer`)', {
      key_invalid: AuthMessages.keyInvalid,
    }),
    ApiErrorResponse(403, 'In local mode, a Host that is not a loopback name', {
      non_loopback_host: AuthMessages.nonLoopbackHost,
    }),
  );
}

/** The caller of the request, as the guard found it (null only on `@OptionalAuth` routes without a key). */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): Principal | null =>
    principalOf(context.switchToHttp().getRequest<object>()),
);
