export { AuthModule, resolveAuthOptions } from './lib/auth.module';
export { AUTH_ASYNC_OPTIONS_TYPE, AUTH_OPTIONS_TYPE } from './lib/auth.module-definition';
export type {
  AuthMode,
  AuthModuleOptions,
  ResolvedAuthOptions,
  KeyDefaults,
} from './lib/auth-options.interface';
export { DEFAULT_KEY_LIMITS } from './lib/auth-options.interface';
export {
  SCOPES,
  ADMIN_SCOPE,
  BEARER_SECURITY,
  API_KEY_SECURITY,
  RESOLVED_AUTH_OPTIONS,
} from './lib/auth.constants';
export type { Scope } from './lib/auth.constants';
export { AuthMessages } from './lib/auth.messages';
export type { Principal } from './lib/principal.interface';
export { hasScope, tenantScopeOf, limitsOf } from './lib/principal.interface';
export type { ApiKeyInput, ApiKeyRecord, CreatedApiKey, KeyLimits } from './lib/api-key.interface';
export { ApiKeyService } from './lib/api-key.service';
export { Authenticator } from './lib/authenticator.service';
export { ApiKeyGuard } from './lib/auth.guard';
export { RequireScope, OptionalAuth, CurrentPrincipal } from './lib/require-scope.decorator';
export { apiKeyFromHeaders, basicAuthPassword } from './lib/credential.util';
export type { RequestHeaders } from './lib/credential.util';
export { principalOf } from './lib/request-principal.util';
export { ApiKeyNotFoundError } from './lib/errors/api-key-not-found.error';
export { ApiKeyValidationError } from './lib/errors/api-key-validation.error';
export { ApiKeyLimitError } from './lib/errors/api-key-limit.error';
export { AuthOptionsError } from './lib/errors/auth-options.error';
export { SubmissionRateLimiter } from './lib/submission-rate-limiter.service';
export type { RateLimitDecision } from './lib/submission-rate-limiter.service';
export { ErrorResponseDto, errorExample } from './lib/docs/error-response.dto';
export { ApiErrorResponse } from './lib/docs/api-error-response.decorator';
