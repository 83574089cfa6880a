import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JobStatus, JsonObject, QueueModule, QueueService } from '@riptide/queue';
import { GreetHandler } from './greet.handler';

const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefix = process.env['QUEUE_PREFIX'] ?? 'consumer';

@Module({
  imports: [QueueModule.forRoot({ isGlobal: true, redisUrl, prefix, worker: { poolSize: 1 } })],
  providers: [GreetHandler],
})
class QueueOnlyModule {}

const FINISHED: JobStatus[] = ['Completed', 'Failed', 'DeadLetter', 'Cancelled'];

/** Runs a job to its end and reads its status and result back, as the service would. */
async function runToEnd(queue: QueueService, payload: JsonObject) {
  const { jobId } = await queue.submit({
    jobType: { type: 'custom', jobName: 'greet', payload },
    retryConfig: { initialDelaySecs: 0, useJitter: false },
  });
  const deadline = Date.now() + 20_000;
  let view = await queue.getJob(jobId);
  while (!FINISHED.includes(view.status) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    view = await queue.getJob(jobId);
  }
  const result = view.status === 'Completed' ? await queue.getResult(jobId) : null;
  return { status: view.status, lastError: view.lastError, result: result?.data ?? null };
}

/** Prints the outcome of two jobs (one retried once) and the queue's counts as one JSON line. */
async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(QueueOnlyModule, {
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks();
  const queue = app.get(QueueService);
  const jobs = [
    await runToEnd(queue, { name: 'ada' }),
    await runToEnd(queue, { name: 'bob', failFirst: true }),
  ];
  const { completed, total } = await queue.counts();
  process.stdout.write(`${JSON.stringify({ jobs, counts: { completed, total } })}\n`);
  await app.close();
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
