import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { RESOLVED_QUEUE_OPTIONS, ResolvedQueueOptions } from '@riptide/queue';
import { closeRedis, createRedis } from '@riptide/redis';
import type Redis from 'ioredis';
import { EventLoopHealthIndicator } from './health/event-loop.health';
import { QueueHealthIndicator } from './health/queue.health';
import { RedisHealthIndicator } from './health/redis.health';
import { SchedulerHealthIndicator } from './health/scheduler.health';
import { WorkerPoolHealthIndicator } from './health/worker-pool.health';
import { METRICS_REDIS, RESOLVED_METRICS_OPTIONS } from './metrics.constants';
import { ConfigurableMetricsModule, METRICS_OPTIONS_TOKEN } from './metrics.module-definition';
import { MetricsModuleOptions } from './metrics-options.interface';
import { MetricsService } from './metrics.service';
import { MetricsStore } from './metrics-store.service';
import { PrometheusService } from './prometheus/prometheus.service';
import { JobEventLogger } from './recorder/job-event-logger.service';
import { JobMetricsRecorder } from './recorder/job-metrics-recorder.service';
import { resolveMetricsOptions } from './resolve-metrics-options.util';
import { WorkerRegistry } from './workers/worker-registry.service';

/**
 * Observability of the RipTide queue: cluster-wide job metrics in Redis (MetricsService), the
 * Prometheus registry (PrometheusService), the worker registry by heartbeat (WorkerRegistry) and
 * Terminus health indicators. Import it in every process, API and worker alike, so every
 * process's job events are counted. It serves no routes: WorkersApiModule serves them from these
 * services with `forRoot({ metrics: true })`, for which this module is imported with `isGlobal: true`.
 *
 * Needs in the application a global QueueModule (its options, Redis connection, QueueService,
 * JobEvents, WorkerRuntime). The scheduler is optional: pass it as the `scheduler` option for the
 * `scheduler` health indicator.
 */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
  providers: [
    {
      provide: RESOLVED_METRICS_OPTIONS,
      inject: [METRICS_OPTIONS_TOKEN],
      useFactory: (options: MetricsModuleOptions) => resolveMetricsOptions(options),
    },
    {
      // Writes wait for a reconnect instead of failing, so a Redis hiccup loses no increments.
      provide: METRICS_REDIS,
      inject: [RESOLVED_QUEUE_OPTIONS],
      useFactory: (options: ResolvedQueueOptions) =>
        createRedis(options.redisUrl, 'worker', 'riptide-metrics'),
    },
    MetricsStore,
    JobMetricsRecorder,
    JobEventLogger,
    WorkerRegistry,
    MetricsService,
    PrometheusService,
    RedisHealthIndicator,
    QueueHealthIndicator,
    WorkerPoolHealthIndicator,
    SchedulerHealthIndicator,
    EventLoopHealthIndicator,
  ],
  exports: [
    MetricsService,
    WorkerRegistry,
    PrometheusService,
    RedisHealthIndicator,
    QueueHealthIndicator,
    WorkerPoolHealthIndicator,
    SchedulerHealthIndicator,
    EventLoopHealthIndicator,
  ],
})
export class MetricsModule extends ConfigurableMetricsModule implements OnApplicationShutdown {
  constructor(@Inject(METRICS_REDIS) private readonly redis: Redis) {
    super();
  }

  /** Runs after the worker registry has left the registry; pending increments are flushed first. */
  async onApplicationShutdown(): Promise<void> {
    await closeRedis(this.redis);
  }
}
