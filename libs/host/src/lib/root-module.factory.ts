import { DynamicModule, Logger as NestLogger, Module } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import type { Logger as PinoLogger } from 'pino';
import { AuthModule } from '@riptide/auth';
import { MetricsModule } from '@riptide/metrics';
import { ProcessorsModule } from '@riptide/processors';
import { QueueModule } from '@riptide/queue';
import { ScheduleRunner, SchedulerModule } from '@riptide/scheduler';
import { WebhooksModule } from '@riptide/webhooks';
import { WorkersApiModule } from '@riptide/workers-api';
import { EmbeddedRedisMetrics } from './embedded-redis-metrics.service';
import { EmbeddedRedisServer } from './embedded-redis-server';
import { embeddedRedisAt } from './embedded-redis.util';
import { shutdownBudget } from './graceful-shutdown';
import { HostConfig } from './host-config.interface';
import { RedisEvictionWarning } from './redis-eviction-warning.service';
import { createHostLogger, hostLoggerModule } from './host-logger.util';

/** `api`: the HTTP host (all-in-one unless WORKER_POOL_SIZE=0); `worker`: headless. */
export type HostRole = 'api' | 'worker';

@Module({})
class RiptideRootModule {}

/** Routes every Nest `Logger` of the process through pino, in the API and the headless worker alike. */
@Module({
  providers: [
    {
      provide: 'RIPTIDE_HOST:PINO_BINDING',
      inject: [Logger],
      useFactory: (logger: Logger) => NestLogger.overrideLogger(logger),
    },
  ],
})
class PinoBindingModule {}

/** The boot-time check of Redis's eviction policy, in every host. */
@Module({ providers: [RedisEvictionWarning] })
class RedisMemoryCheckModule {}

@Module({})
class EmbeddedRedisMetricsModule {}

/** The embedded redis-server's metrics, on the registry of the metrics module the host imports. */
function embeddedRedisMetricsModule(
  server: EmbeddedRedisServer,
  metrics: DynamicModule,
): DynamicModule {
  return {
    module: EmbeddedRedisMetricsModule,
    imports: [metrics],
    providers: [{ provide: EmbeddedRedisServer, useValue: server }, EmbeddedRedisMetrics],
  };
}

/**
 * Composes the libraries for a host from its configuration, so both hosts stay thin and agree
 * on every option. Workers (and their processors) exist only where the pool size is above 0.
 * `logger` is the process's pino instance (the API host shares it with Fastify).
 */
export function createRootModule(
  config: HostConfig,
  redisUrl: string,
  role: HostRole,
  logger: PinoLogger = createHostLogger(config),
): DynamicModule {
  const runsWorkers = config.workerPoolSize > 0;
  const embedded = embeddedRedisAt(redisUrl);
  // Every process records its job events and (when it runs workers) heartbeats.
  // The scheduler's runner (where this process has one) feeds the `scheduler` health indicator,
  // the embedded redis-server (where this process runs one) the `redis` one.
  // Global, since the API's metrics and health routes use its services.
  const metrics = MetricsModule.forRootAsync({
    isGlobal: true,
    inject: [{ token: ScheduleRunner, optional: true }],
    useFactory: (runner?: ScheduleRunner) => ({
      scheduler: runner,
      embeddedRedis: embedded ?? undefined,
    }),
  });
  const imports: DynamicModule['imports'] = [
    QueueModule.forRoot({
      isGlobal: true,
      redisUrl,
      prefix: config.prefix,
      resultTtlSecs: config.resultTtlSecs,
      completedTtlSecs: config.completedTtlSecs,
      failedTtlSecs: config.failedTtlSecs,
      replicaWait: { replicas: config.redisWaitReplicas },
      limits: {
        maxBatchSize: config.workerMaxBatchSize,
        maxTimeoutSecs: config.jobMaxTimeoutSecs,
        maxCrawlBytes: config.crawlMaxBytesCeiling,
        maxCrawlTimeoutMs: config.crawlMaxTimeoutMs,
        allowRobotsOverride: config.crawlAllowRobotsOverride,
      },
      worker: {
        poolSize: config.workerPoolSize,
        lockDurationMs: config.workerLockDurationMs,
        stalledIntervalMs: config.workerStalledIntervalMs,
        // The host's whole shutdown fits in WORKER_SHUTDOWN_GRACE_MS; running jobs get their share.
        shutdownGraceMs: shutdownBudget(config.workerShutdownGraceMs).drainMs,
      },
    }),
    // Every host signs and records webhooks; hosts that run workers also dispatch and send them.
    WebhooksModule.forRoot({
      isGlobal: true,
      redisUrl,
      prefix: config.prefix,
      dispatch: runsWorkers,
      allowPrivateNetworks: config.crawlAllowPrivateNetworks,
      secretOverlapSecs: config.webhookSecretOverlapSecs,
      maxAttempts: config.webhookMaxAttempts,
      backoffBaseMs: config.webhookBackoffBaseMs,
      timeoutMs: config.webhookTimeoutMs,
      concurrency: config.webhookConcurrency,
      recordTtlSecs: config.resultTtlSecs,
    }),
    metrics,
    hostLoggerModule(logger),
    PinoBindingModule,
    RedisMemoryCheckModule,
  ];
  if (embedded) imports.push(embeddedRedisMetricsModule(embedded, metrics));
  if (runsWorkers)
    imports.push(
      ProcessorsModule.forRoot({
        redisUrl,
        keyPrefix: `${config.prefix}:crawler:`,
        maxConcurrency: config.workerMaxConcurrency,
        crawler: {
          allowPrivateNetworks: config.crawlAllowPrivateNetworks,
          hostConcurrency: config.crawlHostConcurrency,
          hostMinGapMs: config.crawlHostMinGapMs,
          retryAfterMaxWaitMs: config.crawlRetryAfterMaxWaitMs,
          userAgent: config.crawlUserAgent,
          cacheMaxBytes: config.crawlCacheMaxBytes,
        },
      }),
    );
  // The API serves the schedule endpoints whether or not this process fires schedules;
  // a headless worker needs the scheduler only to fire them.
  if (role === 'api' || config.workerEnableScheduler)
    imports.push(
      SchedulerModule.forRoot({
        isGlobal: true,
        redisUrl,
        prefix: config.prefix,
        maxSchedules: config.schedulerMaxSchedules,
        minIntervalSecs: config.schedulerMinIntervalSecs,
        enabled: config.workerEnableScheduler,
        replicaWait: { replicas: config.redisWaitReplicas },
      }),
    );
  if (role === 'api')
    imports.push(
      AuthModule.forRoot({
        isGlobal: true,
        mode: config.authMode === 'keys' ? 'keys' : 'open',
        adminKey: config.adminKey,
        redisUrl,
        prefix: config.prefix,
        defaults: {
          rateLimitPerSec: config.rateLimitPerSec,
          burst: config.rateLimitBurst,
          maxActiveJobs: config.tenantMaxActiveJobs,
          maxSchedules: config.tenantMaxSchedules,
        },
      }),
      WorkersApiModule.forRoot({
        idempotencyTtlSecs: config.idempotencyTtlSecs,
        schedules: true,
        metrics: true,
        webhooks: true,
        events: true,
        sseMaxConnections: config.sseMaxConnections,
        sseMaxConnectionsPerKey: config.sseMaxConnectionsPerKey,
        sseFlushIntervalMs: config.sseFlushIntervalMs,
      }),
    );
  return { module: RiptideRootModule, imports };
}
