/*
 * One scheduler process of the precision benchmark: QueueModule (producer only) and
 * SchedulerModule firing schedules. Prints "ready" once booted; SIGTERM shuts it down.
 */
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { QueueModule } from '@riptide/queue';
import { SchedulerModule } from '@riptide/scheduler';

const redisUrl = process.env['BENCH_REDIS_URL'] ?? '';
const prefix = process.env['BENCH_PREFIX'] ?? 'bench';
const instanceId = process.env['BENCH_INSTANCE'] ?? `instance-${process.pid}`;

@Module({
  imports: [
    QueueModule.forRoot({ isGlobal: true, redisUrl, prefix, worker: { poolSize: 0 } }),
    SchedulerModule.forRoot({ redisUrl, prefix, enabled: true, instanceId }),
  ],
})
class BenchInstanceModule {}

void (async () => {
  const app = await NestFactory.createApplicationContext(BenchInstanceModule, {
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks();
  process.stdout.write('ready\n');
})();
