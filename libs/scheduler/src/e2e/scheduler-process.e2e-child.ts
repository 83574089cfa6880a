/*
 * One scheduler process for the multi-process e2e spec: QueueModule (producer only) and
 * SchedulerModule firing schedules, against the Redis and prefix given in the environment.
 * Prints "ready" once booted; SIGTERM shuts it down in order.
 */
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { QueueModule } from '@riptide/queue';
import { SchedulerModule } from '../index';

const redisUrl = process.env['SCHED_E2E_REDIS_URL'] ?? '';
const prefix = process.env['SCHED_E2E_PREFIX'] ?? '';
const instanceId = process.env['SCHED_E2E_INSTANCE'] ?? `child-${process.pid}`;

@Module({
  imports: [
    QueueModule.forRoot({ isGlobal: true, redisUrl, prefix, worker: { poolSize: 0 } }),
    SchedulerModule.forRoot({ redisUrl, prefix, enabled: true, instanceId }),
  ],
})
class SchedulerProcessModule {}

void (async () => {
  const app = await NestFactory.createApplicationContext(SchedulerProcessModule, {
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks();
  process.stdout.write('ready\n');
})();
