/**
 * `keys`: every guarded route needs a key (the admin key, or one made through the key API).
 * `open`: no key is needed and every caller acts as the admin of tenant `default`; the host
 * keeps such a service on loopback.
 */
export type AuthMode = 'keys' | 'open';

export interface AuthModuleOptions {
  mode: AuthMode;
  /** The operator's key (at least 32 characters); required in `keys` mode. Never stored in Redis. */
  adminKey?: string;
  redisUrl: string;
  /** Key prefix shared with the queue (`riptide`). */
  prefix: string;
  /** How long a process trusts a key it looked up, in ms. Revocation also clears it at once over pub/sub. Default 1000. */
  cacheTtlMs?: number;
  /** Longest a key lookup waits for Redis before answering 503, in ms. Default 1500. */
  commandTimeoutMs?: number;
  /** Most keys that may exist at once. Default 10000. */
  maxKeys?: number;
}

export interface ResolvedAuthOptions extends Required<Omit<AuthModuleOptions, 'adminKey'>> {
  adminKey?: string;
}
