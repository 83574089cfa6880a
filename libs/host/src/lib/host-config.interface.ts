/** Everything a host reads from its environment (SPEC §5), parsed and validated. */
export interface HostConfig {
  /** REDIS_URL or WORKER_REDIS_URL; undefined → the embedded redis-server. */
  redisUrl?: string;
  /** RIPTIDE_DATA_DIR: where the embedded redis-server keeps its data. Default `./data`. */
  dataDir: string;
  port: number;
  /** HOST: `127.0.0.1` unless keys are required, then `0.0.0.0`. */
  host: string;
  /**
   * `keys`: RIPTIDE_ADMIN_KEY is set and every API route needs a key; `local`: no key, loopback only
   * (listener and Host header); `off`: RIPTIDE_AUTH=off, no key and no loopback rule.
   */
  authMode: 'keys' | 'local' | 'off';
  /** RIPTIDE_ADMIN_KEY: the operator's key, at least 32 characters. */
  adminKey?: string;
  /** CORS_ORIGINS: origins allowed to call the API from a browser; none by default (no CORS headers). */
  corsOrigins: string[];
  prefix: string;
  workerPoolSize: number;
  workerMaxBatchSize: number;
  workerMaxConcurrency: number;
  workerEnableScheduler: boolean;
  workerLockDurationMs: number;
  workerStalledIntervalMs: number;
  workerShutdownGraceMs: number;
  resultTtlSecs: number;
  completedTtlSecs: number;
  failedTtlSecs: number;
  crawlAllowPrivateNetworks: boolean;
  crawlHostConcurrency: number;
  crawlHostMinGapMs: number;
  crawlRetryAfterMaxWaitMs: number;
  crawlUserAgent?: string;
  schedulerMaxSchedules: number;
  schedulerMinIntervalSecs: number;
  bodyLimitBytes: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}
