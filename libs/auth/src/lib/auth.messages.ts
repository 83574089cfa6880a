import { SCOPES } from './auth.constants';

/** User-facing text of the auth library, reviewed in one place. */
export const AuthMessages = {
  moduleMissing:
    'A route guarded by @RequireScope or @OptionalAuth was called, but AuthModule is not imported in the application',
  keyMissing:
    'An API key is required: send it as "Authorization: Bearer <key>" or "X-API-Key: <key>"',
  keyInvalid: 'The API key is not valid (unknown or revoked)',
  scopeMissing: (scope: string) => `This API key lacks the scope ${scope}`,
  nonLoopbackHost:
    'In local mode only loopback names (localhost, 127.0.0.1, [::1]) are served; set RIPTIDE_ADMIN_KEY to serve other names',
  keyNotFound: (id: string) => `API key ${id} not found`,
  tooManyKeys: (max: number) => `At most ${max} API keys may exist at once; revoke one first`,
  nameInvalid: 'name must be a non-empty string of at most 200 characters',
  tenantInvalid:
    'tenant must be 1-63 characters of a-z, 0-9, _ and -, starting with a letter or digit',
  scopesInvalid: `scopes must be a non-empty list of: ${SCOPES.join(', ')}`,
  positiveInteger: (field: string, max: number) => `${field} must be an integer from 1 to ${max}`,
  priorityInvalid: 'max_priority must be one of Low, Normal, High, Critical',
} as const;
