/** Everything a host reads from its environment (SPEC §5), parsed and validated. */
export interface HostConfig {
  /**
   * REDIS_URL or WORKER_REDIS_URL, or the `redis-sentinel://` URL of REDIS_SENTINELS and
   * REDIS_SENTINEL_NAME, or the `redis-cluster://` URL of REDIS_CLUSTER_NODES; undefined → the
   * embedded redis-server.
   */
  redisUrl?: string;
  /** REDIS_WAIT_REPLICAS: replicas that must hold a submission before it is acknowledged. Default 0. */
  redisWaitReplicas: number;
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
  /** RATE_LIMIT_PER_SEC / RATE_LIMIT_BURST: each key's submission budget (token bucket); the admin is exempt. */
  rateLimitPerSec: number;
  rateLimitBurst: number;
  /** TENANT_MAX_ACTIVE_JOBS: unfinished jobs one tenant may have at once. */
  tenantMaxActiveJobs: number;
  /** TENANT_MAX_SCHEDULES: schedules one tenant may have. */
  tenantMaxSchedules: number;
  /** IDEMPOTENCY_TTL_SECS: how long an Idempotency-Key's first answer is replayed. */
  idempotencyTtlSecs: number;
  /** SSE_MAX_CONNECTIONS: event streams one API process holds open at most (then 503). */
  sseMaxConnections: number;
  /** SSE_MAX_CONNECTIONS_PER_KEY: event streams one API key holds on one process (then 429). */
  sseMaxConnectionsPerKey: number;
  /**
   * SSE_FLUSH_INTERVAL_MS: under a steady flow of events, how often an event stream's pending
   * events are written (one write per client per interval; an event after a quiet spell goes at once).
   */
  sseFlushIntervalMs: number;
  /** JOB_MAX_TIMEOUT_SECS: longest `timeout_secs` a client may ask for. */
  jobMaxTimeoutSecs: number;
  /** CRAWL_MAX_BYTES_CEILING: largest per-URL `max_bytes` a client may ask for. */
  crawlMaxBytesCeiling: number;
  /** CRAWL_MAX_TIMEOUT_MS: longest per-URL `timeout_ms` a client may ask for. */
  crawlMaxTimeoutMs: number;
  /** CRAWL_ALLOW_ROBOTS_OVERRIDE: whether a client may ask for `respect_robots: false`. */
  crawlAllowRobotsOverride: boolean;
  /** CRAWL_CACHE_MAX_BYTES: byte budget of the page cache (it gives way first). */
  crawlCacheMaxBytes: number;
  /** WEBHOOK_SECRET_OVERLAP_SECONDS: how long a rotated-out webhook secret still signs. */
  webhookSecretOverlapSecs: number;
  /** WEBHOOK_MAX_ATTEMPTS: executions of one webhook delivery before it is dead-lettered. */
  webhookMaxAttempts: number;
  /** WEBHOOK_BACKOFF_BASE_MS: wait before a delivery's first retry (each further one doubles). */
  webhookBackoffBaseMs: number;
  /** WEBHOOK_TIMEOUT_MS: time limit of one delivery request. */
  webhookTimeoutMs: number;
  /** WEBHOOK_CONCURRENCY: deliveries one worker host sends at once. */
  webhookConcurrency: number;
  /** RIPTIDE_REDIS_MAXMEMORY: `maxmemory` of the embedded redis-server (`1gb`, `512mb`, bytes). */
  embeddedRedisMaxMemory: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}
