/*
 * One worker process for the fencing e2e spec: QueueModule with one job slot, a short lock, and a
 * `two-step` job whose steps each leave a trace (progress, then the end) and whose behaviour comes
 * from the environment, so two processes running the same job are told apart. Prints "ready" once
 * booted, every job event as "event <json>", and "handler-end" when the handler is about to end.
 */
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  CustomJobHandler,
  JobContext,
  JobEvents,
  NonRetryableJobError,
  QueueModule,
} from '../index';
import { TestJobHandlersModule } from '../testing';

const redisUrl = process.env['QUEUE_E2E_REDIS_URL'] ?? '';
const prefix = process.env['QUEUE_E2E_PREFIX'] ?? '';
const workerId = process.env['FENCING_WORKER_ID'] ?? '';
/** How long the job's work takes between its two traces; the handler ignores its abort signal. */
const stepMs = Number(process.env['FENCING_STEP_MS'] ?? '100');
/** `complete` (with a result too large for the job hash) or `fail` (non-retryable). */
const end = process.env['FENCING_END'] ?? 'complete';

@Injectable()
class TwoStepHandler {
  @CustomJobHandler('two-step')
  async twoStep(_payload: unknown, context: JobContext) {
    await context.reportProgress({ by: workerId, step: 'started' });
    await new Promise((resolve) => setTimeout(resolve, stepMs));
    await context.reportProgress({ by: workerId, step: 'finishing' });
    process.stdout.write('handler-end\n');
    if (end === 'fail') throw new NonRetryableJobError(`${workerId} gave up`);
    return { by: workerId, padding: 'x'.repeat(9000) };
  }
}

@Module({
  imports: [
    QueueModule.forRoot({
      redisUrl,
      prefix,
      worker: { poolSize: 1, workerId, lockDurationMs: 1000, stalledIntervalMs: 250 },
    }),
    TestJobHandlersModule.register({ redisUrl, prefix }),
  ],
  providers: [TwoStepHandler],
})
class FencingWorkerModule {}

void (async () => {
  const app = await NestFactory.createApplicationContext(FencingWorkerModule, {
    logger: ['error', 'warn'],
  });
  app.get(JobEvents).subscribe((event) => process.stdout.write(`event ${JSON.stringify(event)}\n`));
  await app.init();
  process.stdout.write('ready\n');
})();
