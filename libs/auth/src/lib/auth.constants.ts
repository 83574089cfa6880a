/** What a key may do (SPEC §6). `admin` includes every other scope and every tenant. */
export const SCOPES = [
  'jobs:write',
  'jobs:read',
  'schedules:write',
  'schedules:read',
  'metrics:read',
  'admin',
] as const;
export type Scope = (typeof SCOPES)[number];

export const ADMIN_SCOPE: Scope = 'admin';

/** Resolved AuthModule options. */
export const RESOLVED_AUTH_OPTIONS = 'RIPTIDE_AUTH:OPTIONS';
/** The Redis connection key lookups and changes go through. */
export const AUTH_REDIS = 'RIPTIDE_AUTH:REDIS';
/** The connection that listens for revocations. */
export const AUTH_SUBSCRIBER = 'RIPTIDE_AUTH:SUBSCRIBER';
/** Route metadata: the scopes a route needs, or that it only reads the caller when one is given. */
export const AUTH_REQUIREMENT = 'RIPTIDE_AUTH:REQUIREMENT';

/** Swagger security scheme names, declared by the host's document builder. */
export const BEARER_SECURITY = 'bearer';
export const API_KEY_SECURITY = 'api_key';

/** Secrets are `rt_` + 32 random bytes in base64url; the prefix makes a leaked key easy to grep for. */
export const KEY_SECRET_PREFIX = 'rt_';
export const KEY_SECRET_BYTES = 32;
/** Characters of the secret kept in the clear (`rt_` + 8) so an operator can tell keys apart. */
export const KEY_PREFIX_LENGTH = 11;
