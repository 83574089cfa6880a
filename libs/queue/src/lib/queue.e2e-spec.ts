import { INestApplicationContext } from '@nestjs/common';
import {
  deleteKeysWithPrefix,
  forEachServer,
  testRedisUrl,
  uniquePrefix,
  waitFor,
} from '@riptide/testing';
import { readExecutions } from '../testing';
import { JobNotFoundError } from './errors/job-not-found.error';
import { JobResultUnavailableError } from './errors/job-result-unavailable.error';
import { JobStateConflictError } from './errors/job-state-conflict.error';
import { JobValidationError } from './errors/job-validation.error';
import { JobStatus, JobSubmission } from './model/job.interface';
import { QueueModuleOptions } from './queue-options.interface';
import { bootTestQueueApp } from './queue-app.spec-helper';
import { QueueService } from './queue.service';

const url = testRedisUrl();
const fast = { initialDelaySecs: 0.2, backoffMultiplier: 2, maxDelaySecs: 5, useJitter: false };

describe('QueueModule (real Redis, real bull)', () => {
  let prefix: string;
  const apps: INestApplicationContext[] = [];

  async function boot(poolSize: number, extra: Partial<QueueModuleOptions> = {}, builtIns = true) {
    const app = await bootTestQueueApp({ redisUrl: url, prefix, poolSize, extra, builtIns });
    app.enableShutdownHooks();
    apps.push(app);
    return app;
  }

  const custom = (
    jobName: string,
    payload?: object,
    more: Partial<JobSubmission> = {},
  ): JobSubmission => ({
    jobType: { type: 'custom', jobName, payload: payload as never },
    ...more,
  });

  const statusOf = (queue: QueueService, id: string) => queue.getJob(id).then((j) => j.status);
  const until = (queue: QueueService, id: string, status: JobStatus, timeoutMs = 10000) =>
    waitFor(
      () => statusOf(queue, id),
      (s) => s === status,
      { timeoutMs, what: `job ${id} to be ${status}` },
    );

  beforeEach(() => {
    prefix = uniquePrefix('queue');
  });

  afterEach(async () => {
    while (apps.length) await apps.pop()!.close();
    await deleteKeysWithPrefix(url, prefix);
  });

  it('runs a job to Completed and keeps its result', async () => {
    const app = await boot(2);
    const queue = app.get(QueueService);
    const { jobId, status } = await queue.submit(
      custom('echo', { value: 'hi' }, { metadata: { team: 'crawl' } }),
    );
    expect(status).toBe('Pending');
    await until(queue, jobId, 'Completed');
    const view = await queue.getJob(jobId);
    expect(view).toMatchObject({
      jobId,
      status: 'Completed',
      priority: 'Normal',
      retryCount: 0,
      lastError: null,
      metadata: { team: 'crawl' },
    });
    expect(view.workerId).toContain(String(process.pid));
    expect(view.startedAt!.getTime()).toBeGreaterThanOrEqual(view.createdAt.getTime());
    expect(view.completedAt!.getTime()).toBeGreaterThanOrEqual(view.startedAt!.getTime());
    const result = await queue.getResult(jobId);
    expect(result).toMatchObject({
      jobId,
      success: true,
      error: null,
      data: { echoed: { value: 'hi' }, attempt: 1 },
    });
  });

  it('names the worker of a running job from the moment it is Processing, whatever its id holds', async () => {
    // "@" and "%" matter: the worker id rides in the lock token, which bull also puts in channel names.
    const workerId = 'eu-1@crawler %41:ü';
    const app = await boot(1, { worker: { poolSize: 1, workerId } });
    const queue = app.get(QueueService);
    const { jobId } = await queue.submit(custom('sleep', { ms: 20000 }));
    await until(queue, jobId, 'Processing');
    expect((await queue.getJob(jobId)).workerId).toBe(workerId);
    await queue.cancel(jobId);
    await until(queue, jobId, 'Cancelled', 3000);
  });

  it('refuses invalid submissions with every problem listed', async () => {
    const app = await boot(0);
    const queue = app.get(QueueService);
    const error = await queue
      .submit({
        jobType: { type: 'batch_crawl', urls: [] },
        timeoutSecs: 0,
        retryConfig: { maxAttempts: 0 },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobValidationError);
    expect((error as JobValidationError).problems).toEqual([
      'jobType.urls must be an array of 1 to 50 URLs',
      'timeoutSecs must be an integer from 1 to 3600 (JOB_MAX_TIMEOUT_SECS)',
      'retryConfig.maxAttempts must be an integer from 1 to 25',
    ]);
    await expect(
      queue.submit({ jobType: { type: 'single_crawl', url: 'ftp://x.test/' } }),
    ).rejects.toThrow('jobType.url must use http or https');
    await expect(
      queue.submit({ jobType: { type: 'single_crawl', url: 'http://u:p@x.test/' } }),
    ).rejects.toThrow('must not contain credentials');
    await expect(queue.submit({ jobType: { type: 'pdf_extraction' } })).rejects.toThrow(
      'exactly one of url and pdfData',
    );
  });

  it('runs higher priorities first and equal priorities first-in-first-out', async () => {
    const producer = await boot(0);
    const queue = producer.get(QueueService);
    const order = [
      ['Low', 'l1'],
      ['Normal', 'n1'],
      ['Critical', 'c1'],
      ['Normal', 'n2'],
      ['High', 'h1'],
      ['Low', 'l2'],
      ['Critical', 'c2'],
      ['High', 'h2'],
    ] as const;
    const ids: string[] = [];
    for (const [priority, tag] of order)
      ids.push((await queue.submit(custom('echo', { tag }, { priority }))).jobId);
    await boot(1);
    await waitFor(
      () => queue.counts(),
      (c) => c.completed === order.length,
      { what: 'all jobs completed' },
    );
    const executed = (await readExecutions(url, prefix)).map((e) => e.tag);
    expect(executed).toEqual(['c1', 'c2', 'h1', 'h2', 'n1', 'n2', 'l1', 'l2']);
  });

  it('keeps a job Delayed until scheduled_at', async () => {
    const app = await boot(1);
    const queue = app.get(QueueService);
    const at = new Date(Date.now() + 1500);
    const { jobId, status } = await queue.submit(custom('echo', {}, { scheduledAt: at }));
    expect(status).toBe('Delayed');
    expect((await queue.getJob(jobId)).scheduledAt?.toISOString()).toBe(at.toISOString());
    expect(await statusOf(queue, jobId)).toBe('Delayed');
    await until(queue, jobId, 'Completed');
    const [run] = await readExecutions(url, prefix);
    expect(run.at).toBeGreaterThanOrEqual(at.getTime());
  });

  it('retries with exponential backoff, shows Retrying, then completes', async () => {
    const app = await boot(1);
    const queue = app.get(QueueService);
    const { jobId } = await queue.submit(
      custom('flaky', { failures: 2 }, { retryConfig: { ...fast, maxAttempts: 3 } }),
    );
    const retrying = await waitFor(
      () => queue.getJob(jobId),
      (j) => j.status === 'Retrying',
      { what: 'Retrying' },
    );
    expect(retrying.lastError).toBe('flaky failure 1');
    expect(retrying.nextRetryAt).toBeInstanceOf(Date);
    await until(queue, jobId, 'Completed');
    const runs = await readExecutions(url, prefix);
    expect(runs.map((r) => r.attempt)).toEqual([1, 2, 3]);
    // 0.2 s then 0.4 s (no jitter): each retry waits at least its delay.
    expect(runs[1].at - runs[0].at).toBeGreaterThanOrEqual(200);
    expect(runs[2].at - runs[1].at).toBeGreaterThanOrEqual(400);
    expect(await queue.getJob(jobId)).toMatchObject({ retryCount: 2, status: 'Completed' });
  });

  it('waits as long as a failure asks before the retry (Retry-After), even past the backoff', async () => {
    const app = await boot(1);
    const queue = app.get(QueueService);
    const { jobId } = await queue.submit(
      custom('retry-later', { ms: 1500 }, { retryConfig: { ...fast, maxAttempts: 2 } }),
    );
    const retrying = await waitFor(
      () => queue.getJob(jobId),
      (j) => j.status === 'Retrying',
      { what: 'Retrying' },
    );
    expect(retrying.lastError).toBe('come back later');
    await until(queue, jobId, 'Completed');
    const runs = await readExecutions(url, prefix);
    expect(runs.map((r) => r.attempt)).toEqual([1, 2]);
    // The backoff alone would have been 0.2 s.
    expect(runs[1].at - runs[0].at).toBeGreaterThanOrEqual(1500);
    expect(retrying.nextRetryAt!.getTime() - runs[0].at).toBeGreaterThanOrEqual(1500);
  });

  it('dead-letters a job whose attempts are exhausted, and replays it with a fresh budget', async () => {
    const app = await boot(1);
    const queue = app.get(QueueService);
    const { jobId } = await queue.submit(
      custom('fail', {}, { retryConfig: { ...fast, maxAttempts: 2 } }),
    );
    await until(queue, jobId, 'DeadLetter');
    expect(await queue.getJob(jobId)).toMatchObject({
      lastError: 'boom on attempt 2',
      retryCount: 1,
      attemptsMade: 2,
    });
    expect(await queue.getResult(jobId)).toMatchObject({
      success: false,
      error: 'boom on attempt 2',
      data: null,
    });
    expect((await queue.counts()).deadLetter).toBe(1);
    const replayed = await queue.replay(jobId);
    expect(['Pending', 'Processing', 'Retrying']).toContain(replayed.status);
    await until(queue, jobId, 'DeadLetter');
    expect((await readExecutions(url, prefix)).map((r) => r.attempt)).toEqual([1, 2, 1, 2]);
    await expect(queue.replay('7c4a8d09-ca37-4b2a-9f3e-3f1a2b4c5d6e')).rejects.toBeInstanceOf(
      JobNotFoundError,
    );
  });

  it('fails non-retryable errors at once, and refuses custom job names no worker registered', async () => {
    const app = await boot(1);
    const queue = app.get(QueueService);
    const permanent = await queue.submit(custom('fail-permanently'));
    const refused = await queue.submit(custom('no-such-job')).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(JobValidationError);
    expect((refused as JobValidationError).problems).toEqual([
      "no worker handles custom job type 'no-such-job'; start a worker with a handler for it",
    ]);
    await until(queue, permanent.jobId, 'Failed');
    expect((await queue.getJob(permanent.jobId)).lastError).toBe('input can never work');
    expect(
      (await readExecutions(url, prefix)).filter((r) => r.jobName === 'fail-permanently'),
    ).toHaveLength(1);
    const counts = await queue.counts();
    expect(counts).toMatchObject({ failed: 1, deadLetter: 0, total: 1 });
    const replayed = await queue.replay(permanent.jobId);
    expect(replayed.status).not.toBe('Failed');
  });

  it('aborts an attempt at its timeout with "Job timed out after N seconds"', async () => {
    const app = await boot(1);
    const queue = app.get(QueueService);
    const started = Date.now();
    const { jobId } = await queue.submit(
      custom('stubborn-sleep', { ms: 5000 }, { timeoutSecs: 1, retryConfig: { maxAttempts: 1 } }),
    );
    await until(queue, jobId, 'DeadLetter');
    expect(Date.now() - started).toBeLessThan(4500);
    expect((await queue.getJob(jobId)).lastError).toBe('Job timed out after 1 seconds');
  });

  it('cancels queued and running jobs; a finished job cannot be cancelled', async () => {
    const producer = await boot(0);
    const queue = producer.get(QueueService);
    const queued = await queue.submit(
      custom('echo', {}, { scheduledAt: new Date(Date.now() + 60000) }),
    );
    expect(await queue.cancel(queued.jobId)).toEqual({ jobId: queued.jobId, status: 'Cancelled' });
    expect(await statusOf(queue, queued.jobId)).toBe('Cancelled');

    await boot(1);
    const running = await queue.submit(custom('sleep', { ms: 20000 }));
    await until(queue, running.jobId, 'Processing');
    await queue.cancel(running.jobId);
    await until(queue, running.jobId, 'Cancelled', 3000);
    expect(
      (await readExecutions(url, prefix)).filter((r) => r.jobId === running.jobId),
    ).toHaveLength(1);
    expect((await queue.counts()).cancelled).toBe(2);

    const done = await queue.submit(custom('echo'));
    await until(queue, done.jobId, 'Completed');
    const conflict = await queue.cancel(done.jobId).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(JobStateConflictError);
    expect((conflict as Error).message).toBe(
      `Job ${done.jobId} is already Completed and cannot be cancelled`,
    );
    // Cancelling twice is harmless and keeps it Cancelled.
    expect(await queue.cancel(queued.jobId)).toEqual({ jobId: queued.jobId, status: 'Cancelled' });
    await expect(queue.cancel('not-a-uuid')).rejects.toBeInstanceOf(JobNotFoundError);
  });

  it('lists newest first with filters, search and a total of every match', async () => {
    const app = await boot(0);
    const queue = app.get(QueueService);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push(
        (
          await queue.submit(
            custom(
              i % 2 ? 'echo' : 'sleep',
              {},
              { metadata: { customer: i === 3 ? 'ACME Corp' : `c${i}` } },
            ),
          )
        ).jobId,
      );
      await new Promise((r) => setTimeout(r, 2));
    }
    await queue.submit({ jobType: { type: 'maintenance', taskType: 'health_check' } });
    await queue.cancel(ids[0]);

    const page = await queue.listJobs({ jobType: 'custom', limit: 3, offset: 1 });
    expect(page.total).toBe(7);
    expect(page.jobs.map((j) => j.jobId)).toEqual([ids[5], ids[4], ids[3]]);
    expect((await queue.listJobs({ jobType: 'custom:echo' })).total).toBe(3);
    expect((await queue.listJobs({ jobType: 'maintenance' })).total).toBe(1);
    expect((await queue.listJobs({ search: 'acme' })).jobs.map((j) => j.jobId)).toEqual([ids[3]]);
    expect(
      (await queue.listJobs({ search: ids[2].slice(0, 13).toUpperCase() })).jobs.map(
        (j) => j.jobId,
      ),
    ).toEqual([ids[2]]);
    expect((await queue.listJobs({ search: 'customer' })).total).toBe(7);
    expect((await queue.listJobs({ status: 'Cancelled' })).jobs.map((j) => j.jobId)).toEqual([
      ids[0],
    ]);
    expect((await queue.listJobs({ status: 'Pending' })).total).toBe(7);
    expect(await queue.counts()).toMatchObject({ pending: 7, cancelled: 1, total: 8 });
  });

  it('reports results that are not ready, and unknown ids', async () => {
    const app = await boot(0);
    const queue = app.get(QueueService);
    const { jobId } = await queue.submit(custom('echo'));
    const error = await queue.getResult(jobId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobResultUnavailableError);
    expect((error as Error).message).toBe(`Result of job ${jobId} is not ready (status Pending)`);
    await expect(queue.getJob('00000000-0000-4000-8000-000000000000')).rejects.toBeInstanceOf(
      JobNotFoundError,
    );
  });

  it('hands a running job back on shutdown so another worker runs it without spending an attempt', async () => {
    const first = await boot(1);
    const queue = first.get(QueueService);
    const { jobId } = await queue.submit(custom('sleep', { ms: 1500 }));
    await until(queue, jobId, 'Processing');
    await first.close();
    apps.splice(apps.indexOf(first), 1);
    const second = await boot(1);
    const queue2 = second.get(QueueService);
    await until(queue2, jobId, 'Completed');
    const runs = (await readExecutions(url, prefix)).filter((r) => r.jobId === jobId);
    expect(runs.map((r) => r.attempt)).toEqual([1, 1]);
  });

  it('closes every Redis connection it opened when the app closes (a closed app leaves nothing reconnecting)', async () => {
    // On a Cluster a client connects to the nodes it sends commands to: every primary is asked.
    const riptideConnections = async () => {
      const names: string[] = [];
      await forEachServer(url, async (server) => {
        const list = (await server.client('LIST')) as string;
        names.push(
          ...list
            .split('\n')
            .filter((line) => / name=riptide-/.test(line))
            .map((line) => /name=(\S+)/.exec(line)![1]),
        );
      });
      return names;
    };
    const before = (await riptideConnections()).length;
    const app = await boot(2);
    const queue = app.get(QueueService);
    await until(queue, (await queue.submit(custom('echo'))).jobId, 'Completed');
    const open = await riptideConnections();
    // Among them the producer, the worker's cancel subscriber and bull's own subscriber connection.
    expect(open).toEqual(
      expect.arrayContaining([
        'riptide-producer',
        'riptide-worker-cancel',
        'riptide-worker-subscriber',
      ]),
    );
    await app.close();
    apps.splice(apps.indexOf(app), 1);
    await waitFor(riptideConnections, (names) => names.length === before, {
      what: 'every connection of the closed app to close',
    });
  });

  it('removes finished jobs older than a given age', async () => {
    const app = await boot(1);
    const queue = app.get(QueueService);
    const { jobId } = await queue.submit(custom('echo'));
    await until(queue, jobId, 'Completed');
    await new Promise((r) => setTimeout(r, 50));
    const removed = await queue.removeFinishedOlderThan(0);
    expect(removed.completed).toBe(1);
    await expect(queue.getJob(jobId)).rejects.toBeInstanceOf(JobNotFoundError);
    expect((await queue.listJobs({})).total).toBe(0);
  });
});
