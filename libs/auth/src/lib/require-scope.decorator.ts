import { ExecutionContext, SetMetadata, UseGuards, applyDecorators, createParamDecorator } from '@nestjs/common';
import { ApiExtension, ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { API_KEY_SECURITY, AUTH_REQUIREMENT, BEARER_SECURITY, Scope } from './auth.constants';
import { ApiKeyGuard, AuthRequirement } from './auth.guard';
import { AuthMessages } from './auth.messages';
import { Principal } from './principal.interface';
import { principalOf } from './request-principal.util';

const errorSchema = (statusCode: number, error: string, message: string) => ({
  type: 'object',
  required: ['statusCode', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer', example: statusCode },
    error: { type: 'string', example: error },
    message: { type: 'string', example: message },
  },
});

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
    ApiUnauthorizedResponse({ description: 'No key, or an unknown or revoked key', schema: errorSchema(401, 'Unauthorized', AuthMessages.keyMissing) }),
    ApiForbiddenResponse({ description: `The key lacks the scope ${scope}`, schema: errorSchema(403, 'Forbidden', AuthMessages.scopeMissing(scope)) }),
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
    ApiUnauthorizedResponse({ description: 'An unknown or revoked key was given', schema: errorSchema(401, 'Unauthorized', AuthMessages.keyInvalid) }),
  );
}

/** The caller of the request, as the guard found it (null only on `@OptionalAuth` routes without a key). */
export const CurrentPrincipal = createParamDecorator((_: unknown, context: ExecutionContext): Principal | null =>
  principalOf(context.switchToHttp().getRequest<object>()),
);
