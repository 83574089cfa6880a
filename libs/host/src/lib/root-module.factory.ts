import { DynamicModule, Module } from '@nestjs/common';
import { MetricsModule } from '@riptide/metrics';
import { ProcessorsModule } from '@riptide/processors';
import { QueueModule } from '@riptide/queue';
import { WorkersApiModule } from '@riptide/workers-api';
import { HostConfig } from './host-config.interface';

/** `api`: the HTTP host (all-in-one unless WORKER_POOL_SIZE=0); `worker`: headless. */
export type HostRole = 'api' | 'worker';

@Module({})
class RiptideRootModule {}

/**
 * Composes the libraries for a host from its configuration, so both hosts stay thin and agree
 * on every option. Workers (and their processors) exist only where the pool size is above 0.
 */
export function createRootModule(config: HostConfig, redisUrl: string, role: HostRole): DynamicModule {
  const runsWorkers = config.workerPoolSize > 0;
  const imports: DynamicModule['imports'] = [
    QueueModule.forRoot({
      isGlobal: true,
      redisUrl,
      prefix: config.prefix,
      resultTtlSecs: config.resultTtlSecs,
      completedTtlSecs: config.completedTtlSecs,
      failedTtlSecs: config.failedTtlSecs,
      limits: { maxBatchSize: config.workerMaxBatchSize },
      worker: {
        poolSize: config.workerPoolSize,
        lockDurationMs: config.workerLockDurationMs,
        stalledIntervalMs: config.workerStalledIntervalMs,
        shutdownGraceMs: config.workerShutdownGraceMs,
      },
    }),
    // Every process records its job events and (when it runs workers) heartbeats.
    MetricsModule.forRoot({}),
  ];
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
          userAgent: config.crawlUserAgent,
        },
      }),
    );
  if (role === 'api') imports.push(WorkersApiModule);
  return { module: RiptideRootModule, imports };
}
