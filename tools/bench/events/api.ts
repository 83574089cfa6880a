/*
 * The API process of the events benchmark: QueueModule without workers, AuthModule in open mode,
 * WorkersApiModule with the event streams (and, with BENCH_WEBHOOKS=1, WebhooksModule and the
 * webhook routes), on Fastify at BENCH_PORT of 127.0.0.1. Prints "ready"
 * once it serves; SIGTERM shuts it down.
 */
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AuthModule } from '@riptide/auth';
import { QueueModule } from '@riptide/queue';
import { WebhooksModule } from '@riptide/webhooks';
import { WorkersApiModule } from '@riptide/workers-api';

const redisUrl = process.env['BENCH_REDIS_URL'] ?? '';
const prefix = process.env['BENCH_PREFIX'] ?? 'bench';
const port = Number(process.env['BENCH_PORT'] ?? 0);
/** With webhooks, submissions may carry one (to the benchmark's receiver on 127.0.0.1). */
const webhooks = process.env['BENCH_WEBHOOKS'] === '1';

@Module({
  imports: [
    QueueModule.forRoot({ isGlobal: true, redisUrl, prefix, worker: { poolSize: 0 } }),
    AuthModule.forRoot({ isGlobal: true, mode: 'open', redisUrl, prefix }),
    ...(webhooks
      ? [WebhooksModule.forRoot({ isGlobal: true, redisUrl, prefix, allowPrivateNetworks: true })]
      : []),
    WorkersApiModule.forRoot({
      events: true,
      webhooks,
      ...(process.env['BENCH_FLUSH_MS']
        ? { sseFlushIntervalMs: Number(process.env['BENCH_FLUSH_MS']) }
        : {}),
    }),
  ],
})
class BenchApiModule {}

void (async () => {
  const app = await NestFactory.create<NestFastifyApplication>(
    BenchApiModule,
    new FastifyAdapter(),
    { logger: ['error', 'warn'] },
  );
  app.enableShutdownHooks();
  await app.listen(port, '127.0.0.1');
  process.stdout.write('ready\n');
})();
