/*
 * The worker process of the events benchmark: QueueModule with BENCH_POOL slots and one no-op
 * custom handler (`noop`); with BENCH_WEBHOOKS=1, the webhook dispatcher and delivery worker too. Prints "ready" once it takes jobs; SIGTERM shuts it down.
 */
import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CustomJobHandler, QueueModule } from '@riptide/queue';
import { WebhooksModule } from '@riptide/webhooks';

const redisUrl = process.env['BENCH_REDIS_URL'] ?? '';
const prefix = process.env['BENCH_PREFIX'] ?? 'bench';
const poolSize = Number(process.env['BENCH_POOL'] ?? 16);
/** With webhooks, this process also dispatches the job events and sends the deliveries. */
const webhooks = process.env['BENCH_WEBHOOKS'] === '1';

@Injectable()
class NoopHandler {
  @CustomJobHandler('noop')
  async noop() {
    return { ok: true };
  }
}

@Module({
  imports: [
    QueueModule.forRoot({ redisUrl, prefix, worker: { poolSize } }),
    ...(webhooks
      ? [
          WebhooksModule.forRoot({
            redisUrl,
            prefix,
            dispatch: true,
            allowPrivateNetworks: true,
            ...(process.env['BENCH_HOOK_CONCURRENCY']
              ? { concurrency: Number(process.env['BENCH_HOOK_CONCURRENCY']) }
              : {}),
          }),
        ]
      : []),
  ],
  providers: [NoopHandler],
})
class BenchWorkerModule {}

void (async () => {
  const app = await NestFactory.createApplicationContext(BenchWorkerModule, {
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks();
  await app.init();
  process.stdout.write('ready\n');
})();
