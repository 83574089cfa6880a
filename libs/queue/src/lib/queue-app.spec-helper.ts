import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TestJobHandlers, TestJobHandlersModule } from '../testing';
import { QueueModuleOptions } from './queue-options.interface';
import { QueueModule } from './queue.module';

/** What a queue e2e spec boots: the queue on its own prefix, with the test job handlers. */
export interface TestQueueAppOptions {
  redisUrl: string;
  prefix: string;
  /** Worker slots in this app; 0 = producer only. */
  poolSize: number;
  extra?: Partial<QueueModuleOptions>;
  /** Register handlers for the built-in job types too. Default true. */
  builtIns?: boolean;
}

/**
 * Boots QueueModule with short locks and quick stalled checks, so that a test sees a lost worker's
 * job come back within seconds. A failed init closes what it opened first: Nest's close() rethrows
 * a failed init instead of closing, so the connections are closed through the providers' own hooks.
 */
export async function bootTestQueueApp(
  options: TestQueueAppOptions,
): Promise<INestApplicationContext> {
  const { redisUrl, prefix, poolSize, extra = {}, builtIns } = options;
  const moduleRef = await Test.createTestingModule({
    imports: [
      QueueModule.forRoot({
        redisUrl,
        prefix,
        worker: { poolSize, lockDurationMs: 2000, stalledIntervalMs: 1000, shutdownGraceMs: 300 },
        ...extra,
      }),
      TestJobHandlersModule.register({ redisUrl, prefix, builtIns }),
    ],
  }).compile();
  return moduleRef.init().catch(async (error: unknown) => {
    await moduleRef.get(QueueModule).onApplicationShutdown();
    await moduleRef.get(TestJobHandlers).onModuleDestroy();
    throw error;
  });
}
