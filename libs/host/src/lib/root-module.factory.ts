import { DynamicModule, Logger as NestLogger, Module } from '@nestjs/common';
import { Logger, LoggerModule } from 'nestjs-pino';
import { MetricsModule } from '@riptide/metrics';
import { ProcessorsModule } from '@riptide/processors';
import { QueueModule } from '@riptide/queue';
import { ScheduleRunner, SchedulerModule } from '@riptide/scheduler';
import { WorkersApiModule } from '@riptide/workers-api';
import { HostConfig } from './host-config.interface';

/** `api`: the HTTP host (all-in-one unless WORKER_POOL_SIZE=0); `worker`: headless. */
export type HostRole = 'api' | 'worker';

@Module({})
class RiptideRootModule {}

/**
 * Structured JSON logs (pino) at LOG_LEVEL; HTTP requests carry `reqId` (the HTTP platform's request
 * id) in every entry logged while they run. Successful requests log at debug so info stays readable under load.
 */
function loggerModule(config: HostConfig): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: {
      level: config.logLevel,
      quietReqLogger: true,
      // Per-request completion lines are debug level; below that they would be built and dropped.
      autoLogging: config.logLevel === 'debug' || config.logLevel === 'trace',
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug'),
      redact: ['req.headers.authorization', 'req.headers.cookie'],
    },
  });
}

/** Routes every Nest `Logger` of the process through pino, in the API and the headless worker alike. */
@Module({
  providers: [{ provide: 'RIPTIDE_HOST:PINO_BINDING', inject: [Logger], useFactory: (logger: Logger) => NestLogger.overrideLogger(logger) }],
})
class PinoBindingModule {}

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
    // The scheduler's runner (where this process has one) feeds the `scheduler` health indicator.
    MetricsModule.forRootAsync({
      inject: [{ token: ScheduleRunner, optional: true }],
      useFactory: (runner?: ScheduleRunner) => ({ scheduler: runner }),
    }),
    loggerModule(config),
    PinoBindingModule,
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
      }),
    );
  if (role === 'api') imports.push(WorkersApiModule);
  return { module: RiptideRootModule, imports };
}
