export { MetricsModule } from './lib/metrics.module';
export { METRICS_OPTIONS_TYPE, METRICS_ASYNC_OPTIONS_TYPE } from './lib/metrics.module-definition';
export type {
  EmbeddedRedisProbe,
  MetricsModuleOptions,
  SchedulerHealthProbe,
} from './lib/metrics-options.interface';
export { MetricsOptionsError } from './lib/metrics-options.error';
export { MetricsService } from './lib/metrics.service';
export type { MetricsSnapshot, JobTypeStats, LatencySummary } from './lib/metrics.service';
export { WorkerRegistry } from './lib/workers/worker-registry.service';
export type {
  WorkerHeartbeat,
  RegisteredWorker,
  WorkerPoolSnapshot,
} from './lib/workers/worker-registry.service';
export { PrometheusService } from './lib/prometheus/prometheus.service';
export { RedisHealthIndicator } from './lib/health/redis.health';
export { QueueHealthIndicator } from './lib/health/queue.health';
export { WorkerPoolHealthIndicator } from './lib/health/worker-pool.health';
export { SchedulerHealthIndicator } from './lib/health/scheduler.health';
export { EventLoopHealthIndicator } from './lib/health/event-loop.health';
export { mountQueueDashboard } from './lib/dashboard/queue-dashboard.util';
export type { QueueDashboardOptions } from './lib/dashboard/queue-dashboard.util';
export {
  BUCKETS_PER_DOUBLING,
  PERCENTILE_RELATIVE_ERROR,
  bucketIndex,
  bucketBounds,
  percentile,
} from './lib/histogram/log-histogram.util';
export { PROMETHEUS_BUCKETS_SECONDS } from './lib/metrics.constants';
