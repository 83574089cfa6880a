/** Everything a host reads from its environment (SPEC §5), parsed and validated. */
export interface HostConfig {
  /** REDIS_URL or WORKER_REDIS_URL; undefined → the embedded redis-server. */
  redisUrl?: string;
  /** RIPTIDE_DATA_DIR: where the embedded redis-server keeps its data. Default `./data`. */
  dataDir: string;
  port: number;
  host: string;
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
