import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { QueueModule, QueueService } from '@riptide/queue';
import { GreetHandler } from './greet.handler';

const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefix = process.env['QUEUE_PREFIX'] ?? 'consumer';

@Module({
  imports: [QueueModule.forRoot({ isGlobal: true, redisUrl, prefix, worker: { poolSize: 1 } })],
  providers: [GreetHandler],
})
class QueueOnlyModule {}

/** Submits one custom job, waits for its end and prints its status and result as one JSON line. */
async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(QueueOnlyModule, {
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks();
  const queue = app.get(QueueService);
  const { jobId } = await queue.submit({
    jobType: { type: 'custom', jobName: 'greet', payload: { name: 'ada' } },
  });
  const deadline = Date.now() + 20_000;
  let view = await queue.getJob(jobId);
  while (
    !['Completed', 'Failed', 'DeadLetter', 'Cancelled'].includes(view.status) &&
    Date.now() < deadline
  ) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    view = await queue.getJob(jobId);
  }
  const result = view.status === 'Completed' ? await queue.getResult(jobId) : null;
  process.stdout.write(
    `${JSON.stringify({ status: view.status, lastError: view.lastError, result: result?.data ?? null })}\n`,
  );
  await app.close();
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
