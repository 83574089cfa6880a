/*
 * One worker process for the queue e2e specs that kill a worker: QueueModule with one job slot and
 * the test handlers, against the Redis and prefix given in the environment. Prints "ready" once
 * booted; the spec then kills it with SIGKILL, as a crash would.
 */
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { QueueModule } from '../index';
import { TestJobHandlersModule } from '../testing';

const redisUrl = process.env['QUEUE_E2E_REDIS_URL'] ?? '';
const prefix = process.env['QUEUE_E2E_PREFIX'] ?? '';

@Module({
  imports: [
    QueueModule.forRoot({
      redisUrl,
      prefix,
      worker: { poolSize: 1, lockDurationMs: 1000, stalledIntervalMs: 500 },
    }),
    TestJobHandlersModule.register({ redisUrl, prefix }),
  ],
})
class WorkerProcessModule {}

void (async () => {
  const app = await NestFactory.createApplicationContext(WorkerProcessModule, {
    logger: ['error', 'warn'],
  });
  await app.init();
  process.stdout.write('ready\n');
})();
