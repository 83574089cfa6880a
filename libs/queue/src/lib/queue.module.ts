import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { JobEvents } from './job-events.service';
import { JobEventFeed } from './events/job-event-feed.service';
import { ConfigurableQueueModule, QUEUE_OPTIONS_TOKEN } from './queue.module-definition';
import { QueueModuleOptions, ResolvedQueueOptions } from './queue-options.interface';
import { QUEUE_REDIS, RESOLVED_QUEUE_OPTIONS, RIPTIDE_QUEUE_NAME } from './queue.constants';
import { QueueService } from './queue.service';
import { createBullQueue } from './redis/bull-queue.factory';
import { QueueKeys } from './redis/queue-keys';
import { closeRedis, createRedis } from '@riptide/redis';
import { resolveQueueOptions } from './resolve-queue-options.util';
import { ScriptedRedis, defineQueueScripts } from './scripts/queue-scripts';
import { HandledJobTypes } from './worker/handled-job-types.service';
import { JobHandlerRegistry } from './worker/job-handler-registry.service';
import { WorkerRuntime } from './worker/worker-runtime.service';

const QUEUE_TOKEN = getQueueToken(RIPTIDE_QUEUE_NAME);

/**
 * The job queue: producer API (QueueService) in every process, and the worker runtime where
 * `worker.poolSize > 0`. The bull queue is also available as `@InjectQueue(RIPTIDE_QUEUE_NAME)`.
 *
 * Needs nothing else in the application: it opens its own Redis connections from its options.
 * A worker runs the handlers the application provides (`@JobHandler`, `@CustomJobHandler` methods
 * of any provider), at least one, and records their types in Redis at start; a custom job_name no
 * worker of the queue has registered is refused at submission, and a job taken by a worker without
 * its handler is retried for another (see HandledJobTypes). Two handlers for one type stop the boot.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [
    {
      provide: RESOLVED_QUEUE_OPTIONS,
      inject: [QUEUE_OPTIONS_TOKEN],
      useFactory: (options: QueueModuleOptions) => resolveQueueOptions(options),
    },
    {
      provide: QUEUE_REDIS,
      inject: [RESOLVED_QUEUE_OPTIONS],
      // The scripts before the bull queue is made on this connection: bull then runs its
      // job-moving scripts with the index upkeep (bull-hooks.script.ts).
      useFactory: (options: ResolvedQueueOptions) =>
        defineQueueScripts(
          createRedis(options.redisUrl, 'producer', 'riptide-producer'),
          new QueueKeys(options.prefix, options.queueName),
        ),
    },
    {
      provide: QUEUE_TOKEN,
      inject: [RESOLVED_QUEUE_OPTIONS, QUEUE_REDIS],
      useFactory: (options: ResolvedQueueOptions, redis: ScriptedRedis) =>
        createBullQueue(options, redis, 'producer'),
    },
    JobEvents,
    JobEventFeed,
    QueueService,
    HandledJobTypes,
    JobHandlerRegistry,
    WorkerRuntime,
  ],
  exports: [
    RESOLVED_QUEUE_OPTIONS,
    QUEUE_REDIS,
    QUEUE_TOKEN,
    JobEvents,
    JobEventFeed,
    QueueService,
    HandledJobTypes,
    JobHandlerRegistry,
    WorkerRuntime,
  ],
})
export class QueueModule extends ConfigurableQueueModule implements OnApplicationShutdown {
  constructor(
    @Inject(QUEUE_TOKEN) private readonly queue: Queue,
    @Inject(QUEUE_REDIS) private readonly redis: ScriptedRedis,
  ) {
    super();
  }

  /**
   * Runs after the worker runtime has handed its jobs back and after every module's
   * before-shutdown work (metrics included) is done; closes the producer connections.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.queue.close().catch(() => undefined);
    await closeRedis(this.redis);
  }
}
