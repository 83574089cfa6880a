import { Injectable, INestApplicationContext, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type Redis from 'ioredis';
import {
  connectTestRedis,
  deleteKeysWithPrefix,
  testRedisUrl,
  uniquePrefix,
  waitFor,
} from '@riptide/testing';
import { declareHandledJobTypes } from '../../testing';
import { CustomJobHandler } from './job-handler.decorator';
import { HandlerRegistryError } from '../errors/handler-registry.error';
import { JobValidationError } from '../errors/job-validation.error';
import { JobContext } from './job-handler.interface';
import { JobStatus, JobSubmission, JsonValue } from '../model/job.interface';
import { QueueModule } from '../queue.module';
import { QueueService } from '../queue.service';

const url = testRedisUrl();
const fast = { initialDelaySecs: 0.2, backoffMultiplier: 1, maxDelaySecs: 1, useJitter: false };

/** A service's own job, and nothing else: no crawler, no built-in handlers. */
@Injectable()
class InvoiceHandlers {
  @CustomJobHandler('render-invoice')
  async render(payload: JsonValue | undefined, context: JobContext) {
    return { rendered: payload ?? null, by: context.workerId };
  }
}

@Injectable()
class ReportHandlers {
  @CustomJobHandler('render-report')
  async render() {
    return { rendered: 'report' };
  }
}

describe('A worker runs the handlers it has (real Redis, real bull)', () => {
  let prefix: string;
  let redis: Redis;
  const apps: INestApplicationContext[] = [];

  /** QueueModule with these handler classes only; a failed init closes what it opened. */
  async function boot(poolSize: number, handlers: Type[]): Promise<INestApplicationContext> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        QueueModule.forRoot({
          redisUrl: url,
          prefix,
          worker: { poolSize, lockDurationMs: 2000, stalledIntervalMs: 1000, shutdownGraceMs: 300 },
        }),
      ],
      providers: handlers,
    }).compile();
    const app = await moduleRef.init().catch(async (error: unknown) => {
      await moduleRef.get(QueueModule).onApplicationShutdown();
      throw error;
    });
    app.enableShutdownHooks();
    apps.push(app);
    return app;
  }

  const custom = (jobName: string, more: Partial<JobSubmission> = {}): JobSubmission => ({
    jobType: { type: 'custom', jobName, payload: { n: 1 } },
    ...more,
  });
  const until = (queue: QueueService, id: string, status: JobStatus, timeoutMs = 10000) =>
    waitFor(
      () => queue.getJob(id).then((job) => job.status),
      (s) => s === status,
      { timeoutMs, what: `job ${id} to be ${status}` },
    );

  beforeEach(() => {
    prefix = uniquePrefix('handled');
    redis = connectTestRedis(url);
  });

  afterEach(async () => {
    while (apps.length) await apps.pop()!.close();
    redis.disconnect();
    await deleteKeysWithPrefix(url, prefix);
  });

  it('starts a worker with only a custom handler, records its types in Redis and runs its jobs', async () => {
    const worker = await boot(1, [InvoiceHandlers]);
    expect(await redis.smembers(`${prefix}:jobs:rt:handled-types`)).toEqual([
      'custom:render-invoice',
    ]);
    const queue = worker.get(QueueService);
    const { jobId } = await queue.submit(custom('render-invoice'));
    await until(queue, jobId, 'Completed');
    expect((await queue.getResult(jobId)).data).toEqual({
      rendered: { n: 1 },
      by: expect.any(String),
    });
  });

  it('refuses at submission a custom type no worker of the queue has registered; built-in types are always accepted', async () => {
    await boot(1, [InvoiceHandlers]);
    // Another process of the service, producer only: it learns the handled types from Redis.
    const producer = (await boot(0, [])).get(QueueService);
    const message =
      "no worker handles custom job type 'render-report'; start a worker with a handler for it";
    const refused = await producer.submit(custom('render-report')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(JobValidationError);
    expect((refused as JobValidationError).problems).toEqual([message]);
    // Listed with the submission's other problems, in one answer.
    const both = await producer
      .submit(custom('render-report', { timeoutSecs: 0 }))
      .catch((e: unknown) => e);
    expect((both as JobValidationError).problems).toEqual([
      'timeoutSecs must be an integer from 1 to 3600 (JOB_MAX_TIMEOUT_SECS)',
      message,
    ]);
    const bulk = await producer.submitBulk([
      custom('render-invoice'),
      custom('render-report'),
      { jobType: { type: 'single_crawl', url: 'https://example.com/' } },
    ]);
    expect(bulk[0]).toMatchObject({ index: 0, status: 'Pending' });
    expect((bulk[1] as { error: JobValidationError }).error.problems).toEqual([message]);
    expect(bulk[2]).toMatchObject({ index: 2, status: 'Pending' });
    expect((await producer.counts()).total).toBe(2);

    // Once a worker with the handler has started, the type is accepted by every process.
    await boot(1, [ReportHandlers]);
    const accepted = await producer.submit(
      custom('render-report', { retryConfig: { ...fast, maxAttempts: 25 } }),
    );
    expect(accepted.status).toBe('Pending');
    // Whichever worker takes it first, it ends with the one that has the handler.
    await until(producer, accepted.jobId, 'Completed');
  });

  it('hands a job it has no handler for back with backoff, for a worker that has one; none before the attempts run out: DeadLetter', async () => {
    const invoices = await boot(1, [InvoiceHandlers]);
    const queue = invoices.get(QueueService);
    // A report worker has served the queue (the set keeps its type for good); only the invoice worker runs now.
    await declareHandledJobTypes(url, prefix, ['custom:render-report']);

    const doomed = await queue.submit(
      custom('render-report', { retryConfig: { ...fast, maxAttempts: 2 } }),
    );
    await until(queue, doomed.jobId, 'DeadLetter');
    const dead = await queue.getJob(doomed.jobId);
    expect(dead).toMatchObject({ attemptsMade: 2 });
    expect(dead.lastError).toMatch(
      /^worker \S+ has no handler for job type 'custom:render-report' \(it handles custom:render-invoice\)/,
    );

    const waiting = await queue.submit(
      custom('render-report', { retryConfig: { ...fast, maxAttempts: 25 } }),
    );
    await waitFor(
      () => queue.getJob(waiting.jobId),
      (job) => job.attemptsMade >= 1 && job.status === 'Retrying',
      { what: 'the first attempt to be handed back' },
    );
    await boot(1, [ReportHandlers]);
    await until(queue, waiting.jobId, 'Completed');
    expect((await queue.getResult(waiting.jobId)).data).toEqual({ rendered: 'report' });
  });

  it('refuses to start a worker without any handler', async () => {
    const error = await boot(1, []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HandlerRegistryError);
    expect((error as Error).message).toContain('This worker has no job handlers');
  });
});
