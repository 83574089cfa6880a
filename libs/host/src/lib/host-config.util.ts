import { hashTagOf, isClusterUrl } from '@riptide/redis';
import { HostConfig } from './host-config.interface';
import { HostConfigError } from './host-config.error';
import { isLoopbackHost } from './loopback.util';
import { readRedisDeployment } from './redis-deployment-config.util';

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Reads SPEC §5 configuration from the environment. Every variable that does not parse is
 * reported, by name, in one HostConfigError; nothing silently falls back to a default.
 */
export function loadHostConfig(env: Env): HostConfig {
  const problems: string[] = [];
  const read = (name: string) => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = read(name);
    if (raw === undefined) return fallback;
    if (/^(true|1|yes|on)$/i.test(raw)) return true;
    if (/^(false|0|no|off)$/i.test(raw)) return false;
    problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  };
  const redisUrl = readRedisDeployment(read, problems);
  const logLevel = (read('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!LOG_LEVELS.includes(logLevel as never))
    problems.push(`LOG_LEVEL must be one of: ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);
  const onCluster = redisUrl !== undefined && isClusterUrl(redisUrl);
  // On a Cluster every key of the queue must share a slot: the default prefix carries a hash tag there.
  const prefix = read('RIPTIDE_PREFIX') ?? (onCluster ? '{riptide}' : 'riptide');
  if (!/^[A-Za-z0-9_{}.-]{1,64}$/.test(prefix))
    problems.push(`RIPTIDE_PREFIX must be 1-64 characters of letters, digits, _ . - { }`);
  else if (onCluster && hashTagOf(prefix) === null)
    problems.push(
      `RIPTIDE_PREFIX must hold a hash tag on Redis Cluster, like {${prefix.replace(/[{}]/g, '')}}, so that all its keys share one slot`,
    );
  const redisWaitReplicas = int('REDIS_WAIT_REPLICAS', 0, 0, 100);
  if (redisWaitReplicas > 0 && redisUrl === undefined)
    problems.push(
      'REDIS_WAIT_REPLICAS needs a Redis with replicas: set REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES',
    );

  const adminKey = read('RIPTIDE_ADMIN_KEY');
  if (adminKey !== undefined && adminKey.length < 32)
    problems.push('RIPTIDE_ADMIN_KEY must be at least 32 characters');
  const authOff = !bool('RIPTIDE_AUTH', true);
  if (authOff && adminKey !== undefined)
    problems.push(
      'RIPTIDE_AUTH=off and RIPTIDE_ADMIN_KEY contradict each other: unset one of them',
    );
  const authMode: HostConfig['authMode'] =
    adminKey !== undefined ? 'keys' : authOff ? 'off' : 'local';
  // Like Redis's protected mode: without a key the service stays on this machine unless told otherwise.
  const host = read('HOST') ?? (authMode === 'keys' ? '0.0.0.0' : '127.0.0.1');
  if (authMode === 'local' && !isLoopbackHost(host))
    problems.push(
      `HOST=${host} would serve beyond this machine without access control: set RIPTIDE_ADMIN_KEY (at least 32 characters) to require keys, or RIPTIDE_AUTH=off to serve it open`,
    );
  const corsOrigins = (read('CORS_ORIGINS') ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of corsOrigins)
    if (!/^https?:\/\/[^/\s]+$/.test(origin))
      problems.push(
        `CORS_ORIGINS must list origins like https://app.example.com (got "${origin}")`,
      );

  const maxMemory = (read('RIPTIDE_REDIS_MAXMEMORY') ?? '1gb').toLowerCase();
  if (!/^\d+(b|kb|k|mb|m|gb|g)?$/.test(maxMemory) || /^0+[a-z]*$/.test(maxMemory))
    problems.push(
      `RIPTIDE_REDIS_MAXMEMORY must be a size like 1gb, 512mb or a number of bytes (got "${maxMemory}")`,
    );

  const config: HostConfig = {
    redisUrl,
    redisWaitReplicas,
    dataDir: read('RIPTIDE_DATA_DIR') ?? './data',
    port: int('PORT', 3000, 0, 65535),
    host,
    authMode,
    adminKey,
    corsOrigins,
    prefix,
    workerPoolSize: int('WORKER_POOL_SIZE', 4, 0, 1000),
    workerMaxBatchSize: int('WORKER_MAX_BATCH_SIZE', 50, 1, 10000),
    workerMaxConcurrency: int('WORKER_MAX_CONCURRENCY', 10, 1, 1000),
    workerEnableScheduler: bool('WORKER_ENABLE_SCHEDULER', true),
    workerLockDurationMs: int('WORKER_LOCK_DURATION_MS', 30000, 1000, 3600000),
    workerStalledIntervalMs: int('WORKER_STALLED_INTERVAL_MS', 30000, 500, 3600000),
    workerShutdownGraceMs: int('WORKER_SHUTDOWN_GRACE_MS', 25000, 0, 3600000),
    resultTtlSecs: int('RESULT_TTL_SECS', 3600, 1, 365 * 86400),
    completedTtlSecs: int('COMPLETED_TTL_SECS', 86400, 1, 365 * 86400),
    failedTtlSecs: int('FAILED_TTL_SECS', 604800, 1, 365 * 86400),
    crawlAllowPrivateNetworks: bool('CRAWL_ALLOW_PRIVATE_NETWORKS', false),
    crawlHostConcurrency: int('CRAWL_HOST_CONCURRENCY', 4, 1, 1000),
    crawlHostMinGapMs: int('CRAWL_HOST_MIN_GAP_MS', 0, 0, 30000),
    crawlRetryAfterMaxWaitMs: int('CRAWL_RETRY_AFTER_MAX_WAIT_MS', 30000, 0, 600000),
    crawlUserAgent: read('CRAWL_USER_AGENT'),
    schedulerMaxSchedules: int('SCHEDULER_MAX_SCHEDULES', 1000, 1, 1000000),
    schedulerMinIntervalSecs: int('SCHEDULER_MIN_INTERVAL_SECS', 1, 1, 86400),
    bodyLimitBytes: int('BODY_LIMIT_BYTES', 16 * 1024 * 1024, 1024, 256 * 1024 * 1024),
    rateLimitPerSec: int('RATE_LIMIT_PER_SEC', 50, 1, 1_000_000),
    rateLimitBurst: int('RATE_LIMIT_BURST', 100, 1, 1_000_000),
    tenantMaxActiveJobs: int('TENANT_MAX_ACTIVE_JOBS', 10000, 1, 100_000_000),
    tenantMaxSchedules: int('TENANT_MAX_SCHEDULES', 100, 1, 1_000_000),
    idempotencyTtlSecs: int('IDEMPOTENCY_TTL_SECS', 86400, 1, 30 * 86400),
    sseMaxConnections: int('SSE_MAX_CONNECTIONS', 1000, 1, 1_000_000),
    sseMaxConnectionsPerKey: int('SSE_MAX_CONNECTIONS_PER_KEY', 50, 1, 1_000_000),
    sseFlushIntervalMs: int('SSE_FLUSH_INTERVAL_MS', 10, 0, 1000),
    jobMaxTimeoutSecs: int('JOB_MAX_TIMEOUT_SECS', 3600, 1, 7 * 86400),
    crawlMaxBytesCeiling: int(
      'CRAWL_MAX_BYTES_CEILING',
      50 * 1024 * 1024,
      1024,
      1024 * 1024 * 1024,
    ),
    crawlMaxTimeoutMs: int('CRAWL_MAX_TIMEOUT_MS', 120000, 1000, 3_600_000),
    crawlAllowRobotsOverride: bool('CRAWL_ALLOW_ROBOTS_OVERRIDE', false),
    crawlCacheMaxBytes: int('CRAWL_CACHE_MAX_BYTES', 256 * 1024 * 1024, 0, 64 * 1024 * 1024 * 1024),
    webhookSecretOverlapSecs: int('WEBHOOK_SECRET_OVERLAP_SECONDS', 86400, 0, 30 * 86400),
    webhookMaxAttempts: int('WEBHOOK_MAX_ATTEMPTS', 8, 1, 25),
    webhookBackoffBaseMs: int('WEBHOOK_BACKOFF_BASE_MS', 30000, 10, 3_600_000),
    webhookTimeoutMs: int('WEBHOOK_TIMEOUT_MS', 10000, 100, 60000),
    webhookConcurrency: int('WEBHOOK_CONCURRENCY', 64, 1, 1000),
    embeddedRedisMaxMemory: maxMemory,
    logLevel: logLevel as HostConfig['logLevel'],
  };
  if (problems.length) throw new HostConfigError(problems);
  return config;
}
