import type { JobPriority } from '@riptide/queue';

/**
 * `keys`: every guarded route needs a key (the admin key, or one made through the key API).
 * `open`: no key is needed and every caller acts as the admin of tenant `default`; the host
 * keeps such a service on loopback.
 */
export type AuthMode = 'keys' | 'open';

/** What a key may do when its own record does not say (SPEC §6 defaults). */
export interface KeyDefaults {
  /** RATE_LIMIT_PER_SEC. Default 50. */
  rateLimitPerSec: number;
  /** RATE_LIMIT_BURST. Default 100. */
  burst: number;
  /** TENANT_MAX_ACTIVE_JOBS. Default 10000. */
  maxActiveJobs: number;
  /** TENANT_MAX_SCHEDULES. Default 100. */
  maxSchedules: number;
  /** Highest priority a key may ask for. Default High. */
  maxPriority: JobPriority;
}

export const DEFAULT_KEY_LIMITS: KeyDefaults = Object.freeze({
  rateLimitPerSec: 50,
  burst: 100,
  maxActiveJobs: 10000,
  maxSchedules: 100,
  maxPriority: 'High',
});

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
  /** Limits of keys that set none of their own; see KeyDefaults. */
  defaults?: Partial<KeyDefaults>;
}

export interface ResolvedAuthOptions extends Required<
  Omit<AuthModuleOptions, 'adminKey' | 'defaults'>
> {
  adminKey?: string;
  defaults: KeyDefaults;
}
