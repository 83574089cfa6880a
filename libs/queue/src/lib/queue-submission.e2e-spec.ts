import { INestApplicationContext } from '@nestjs/common';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix, waitFor } from '@riptide/testing';
import { readExecutions } from '../testing';
import { JobValidationError } from './errors/job-validation.error';
import { RedisOutOfMemoryError } from '@riptide/redis';
import { TenantQuotaError } from './errors/tenant-quota.error';
import { JobSubmission } from './model/job.interface';
import { bootTestQueueApp } from './queue-app.spec-helper';
import { BulkItemOutcome, QueueService } from './queue.service';

const url = testRedisUrl();

describe('QueueService submission: atomic, idempotent, within quota (real Redis, real bull)', () => {
  let prefix: string;
  let redis: Redis;
  const apps: INestApplicationContext[] = [];

  async function boot(poolSize: number) {
    const app = await bootTestQueueApp({ redisUrl: url, prefix, poolSize });
    apps.push(app);
    return app.get(QueueService);
  }

  const custom = (jobName: string, more: Partial<JobSubmission> = {}): JobSubmission => ({
    jobType: { type: 'custom', jobName },
    ...more,
  });
  const later = () => new Date(Date.now() + 3600_000);

  /** Every Redis key under the test prefix except bull's id counter: what a refused submission must not leave. */
  const storedKeys = async () =>
    (await redis.keys(`${prefix}:*`)).filter((key) => !key.endsWith(':id')).sort();

  beforeEach(() => {
    prefix = uniquePrefix('submit');
    redis = new Redis(url);
  });

  afterEach(async () => {
    await redis.config('SET', 'maxmemory', '0');
    while (apps.length) await apps.pop()!.close();
    redis.disconnect();
    await deleteKeysWithPrefix(url, prefix);
  });

  it('writes the job and its listing entries in one step: a submission Redis refuses leaves neither', async () => {
    const queue = await boot(0);
    const first = await queue.submit(custom('echo', { tenant: 'a' }));
    const before = await storedKeys();
    const beforeIndex = await redis.zrange(queue.keys.index, 0, -1);
    const jobId = randomUUID();

    // Out of memory, Redis refuses the script's first write, so nothing of it is applied.
    await redis.config('SET', 'maxmemory', '1');
    await expect(
      queue.submit(custom('echo', { tenant: 'a' }), undefined, { jobId }),
    ).rejects.toBeInstanceOf(RedisOutOfMemoryError);
    const bulk = queue.submitBulk([
      custom('echo', { tenant: 'a' }),
      custom('echo', { tenant: 'b' }),
    ]);
    await expect(bulk).rejects.toBeInstanceOf(RedisOutOfMemoryError);
    await redis.config('SET', 'maxmemory', '0');

    expect(await storedKeys()).toEqual(before);
    expect(await redis.exists(queue.keys.job(jobId))).toBe(0);
    expect(await redis.zrange(queue.keys.index, 0, -1)).toEqual(beforeIndex);
    expect(await redis.hkeys(queue.keys.facets)).toEqual([first.jobId]);
    expect(await queue.counts()).toMatchObject({ pending: 1, total: 1 });

    // The same id goes through once Redis has room: it was never half-written.
    expect(await queue.submit(custom('echo', { tenant: 'a' }), undefined, { jobId })).toMatchObject(
      { jobId, status: 'Pending' },
    );
    expect((await queue.listJobs({ tenant: 'a' })).jobs.map((j) => j.jobId)).toEqual([
      jobId,
      first.jobId,
    ]);
  });

  it('stores the job with its search text and tenant apart from its data, and bull runs it', async () => {
    const queue = await boot(1);
    const { jobId } = await queue.submit(
      custom('echo', { tenant: 'a', metadata: { Customer: 'ACME' } }),
    );
    const [search, data] = await redis.hmget(queue.keys.job(jobId), 'rt_search', 'data');
    expect(search).toBe(`${jobId} customer acme`);
    expect(JSON.parse(data!)).toMatchObject({
      record: { tenant: 'a', jobType: { type: 'custom', jobName: 'echo' } },
    });
    expect(await redis.hget(queue.keys.facets, jobId)).toMatch(
      new RegExp(`^(Pending|Processing|Completed)\\|a\\|\\d+\\|custom:echo$`),
    );
    await waitFor(
      () => queue.getJob(jobId),
      (j) => j.status === 'Completed',
      { what: 'the job to complete' },
    );
    expect((await readExecutions(url, prefix)).map((run) => [run.jobId, run.tenant])).toEqual([
      [jobId, 'a'],
    ]);
    expect(await redis.hget(queue.keys.facets, jobId)).toMatch(/^Completed\|a\|/);
  });

  it('creates one job for an id submitted twice, and reports the existing one the second time', async () => {
    const queue = await boot(0);
    const jobId = randomUUID();
    const first = await queue.submit(
      custom('echo', { tenant: 'a', metadata: { n: 'one' } }),
      undefined,
      { jobId },
    );
    expect(first).toEqual({ jobId, submittedAt: expect.any(Date), status: 'Pending' });
    await new Promise((r) => setTimeout(r, 5));
    const again = await queue.submit(
      custom('echo', { tenant: 'a', metadata: { n: 'two' } }),
      undefined,
      { jobId: jobId.toUpperCase() },
    );
    expect(again).toEqual({
      jobId,
      submittedAt: first.submittedAt,
      status: 'Pending',
      existing: true,
    });
    expect((await queue.getJob(jobId)).metadata).toEqual({ n: 'one' });
    expect(await queue.counts()).toMatchObject({ pending: 1, total: 1 });

    // Twenty at once with one id: one job, every answer names it.
    const racedId = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        queue.submit(custom('echo', { tenant: 'a' }), undefined, { jobId: racedId }),
      ),
    );
    expect(new Set(answers.map((a) => a.jobId))).toEqual(new Set([racedId]));
    expect(answers.filter((a) => !a.existing)).toHaveLength(1);
    expect(await queue.counts({ tenant: 'a' })).toMatchObject({ pending: 2, total: 2 });

    // Another tenant's job id is never reported (nor changed): it reads as a bad id.
    const error = await queue
      .submit(custom('echo', { tenant: 'b' }), undefined, { jobId })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobValidationError);
    expect((error as JobValidationError).problems).toEqual([
      'jobId is already the id of another job',
    ]);
    await expect(
      queue.submit(custom('echo'), (path) => path.toUpperCase(), { jobId: 'not-a-uuid' }),
    ).rejects.toThrow('JOBID must be a UUID');
    expect(await queue.counts()).toMatchObject({ total: 2 });
  });

  it('refuses a submission at the tenant quota, naming it, and accepts again once a job finishes', async () => {
    const queue = await boot(0);
    const quota = { maxActiveJobs: 2 };
    const delayed = await queue.submit(
      custom('echo', { tenant: 'acme', scheduledAt: later() }),
      undefined,
      quota,
    );
    await queue.submit(custom('echo', { tenant: 'acme' }), undefined, quota);
    expect(await queue.unfinishedCount('acme')).toBe(2);

    const error = await queue
      .submit(custom('echo', { tenant: 'acme' }), undefined, quota)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TenantQuotaError);
    expect(error).toMatchObject({ tenant: 'acme', unfinished: 2, quota: 2 });
    expect((error as Error).message).toBe(
      "Tenant acme has 2 unfinished jobs, its quota is 2 (TENANT_MAX_ACTIVE_JOBS or the key's max_active_jobs); wait for some to finish",
    );
    expect(await queue.counts({ tenant: 'acme' })).toMatchObject({ total: 2 });
    // Another tenant, and a submission without a quota (the admin), are not held back.
    await queue.submit(custom('echo', { tenant: 'other' }), undefined, quota);
    await queue.submit(custom('echo', { tenant: 'acme' }));
    expect(await queue.unfinishedCount('acme')).toBe(3);
    await expect(
      queue.submit(custom('echo', { tenant: 'acme' }), undefined, { maxActiveJobs: 3 }),
    ).rejects.toBeInstanceOf(TenantQuotaError);

    // A finished job (here cancelled) frees its place; a completed one does too.
    await queue.cancel(delayed.jobId);
    expect(await queue.unfinishedCount('acme')).toBe(2);
    await queue.submit(custom('echo', { tenant: 'acme' }), undefined, { maxActiveJobs: 3 });
    await expect(
      queue.submit(custom('echo', { tenant: 'acme' }), undefined, { maxActiveJobs: 3 }),
    ).rejects.toBeInstanceOf(TenantQuotaError);
    const worker = await boot(1);
    await waitFor(
      () => worker.unfinishedCount('acme'),
      (n) => n === 0,
      { what: "the worker to finish acme's jobs" },
    );
    expect(
      await queue.submit(custom('echo', { tenant: 'acme' }), undefined, { maxActiveJobs: 1 }),
    ).toMatchObject({ status: 'Pending' });
    expect(await queue.unfinishedCount('nobody')).toBe(0);
    expect(await queue.unfinishedCount('Not A Tenant')).toBe(0);
  });

  it('accepts exactly the quota when 20 submissions race for 5 places', async () => {
    const queue = await boot(0);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        queue.submit(custom('echo', { tenant: 'acme' }), undefined, { maxActiveJobs: 5 }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(refused).toHaveLength(15);
    expect(refused.every((e) => e instanceof TenantQuotaError)).toBe(true);
    expect(await queue.unfinishedCount('acme')).toBe(5);
    expect((await queue.listJobs({ tenant: 'acme' })).total).toBe(5);
  });

  it('submits a bulk: good items in one step, each bad one refused on its own, in input order', async () => {
    const queue = await boot(0);
    const items: JobSubmission[] = [
      custom('echo', { tenant: 'acme', metadata: { n: '0' } }),
      { jobType: { type: 'single_crawl', url: 'ftp://x.test/' }, tenant: 'acme' },
      custom('echo', { tenant: 'acme', scheduledAt: later(), priority: 'High' }),
      { jobType: { type: 'batch_crawl', urls: [] }, timeoutSecs: 0, tenant: 'acme' },
      custom('echo', { tenant: 'acme', metadata: { n: '4' } }),
      custom('echo', { tenant: 'acme', metadata: { n: '5' } }),
    ];
    const outcomes = await queue.submitBulk(items, undefined, { maxActiveJobs: 3 });
    expect(outcomes.map((o) => o.index)).toEqual([0, 1, 2, 3, 4, 5]);
    const [ok0, bad1, ok2, bad3, ok4, over5] = outcomes;
    expect(ok0).toEqual({
      index: 0,
      jobId: expect.any(String),
      submittedAt: expect.any(Date),
      status: 'Pending',
    });
    expect(ok2).toMatchObject({ index: 2, status: 'Delayed' });
    expect(ok4).toMatchObject({ index: 4, status: 'Pending' });
    const errorOf = (o: BulkItemOutcome) => ('error' in o ? o.error : null);
    expect(errorOf(bad1)).toBeInstanceOf(JobValidationError);
    expect((errorOf(bad1) as JobValidationError).problems).toEqual([
      'jobType.url must use http or https',
    ]);
    expect((errorOf(bad3) as JobValidationError).problems).toHaveLength(2);
    expect(errorOf(over5)).toBeInstanceOf(TenantQuotaError);
    expect(errorOf(over5)).toMatchObject({ tenant: 'acme', unfinished: 3, quota: 3 });

    const accepted = [ok0, ok2, ok4].map((o) => ('jobId' in o ? o.jobId : ''));
    // One creation time for the whole bulk, yet the listing keeps the input order (newest = last).
    expect((await queue.listJobs({ tenant: 'acme' })).jobs.map((j) => j.jobId)).toEqual(
      [...accepted].reverse(),
    );
    expect(await queue.counts({ tenant: 'acme' })).toMatchObject({
      pending: 2,
      delayed: 1,
      total: 3,
    });
    expect((await queue.getJob(accepted[1])).priority).toBe('High');
    expect(await queue.submitBulk([items[1]], (path) => `wire.${path}`)).toEqual([
      { index: 0, error: expect.any(JobValidationError) },
    ]);
    expect(await queue.submitBulk([])).toEqual([]);
  });

  it('submits a bulk with ids fixed by the caller once: a repeat reports the same jobs and adds none', async () => {
    const queue = await boot(1);
    const jobIds = [randomUUID(), randomUUID(), randomUUID()];
    const items = [
      custom('echo', { tenant: 'a' }),
      custom('echo', { tenant: 'a' }),
      custom('sleep', { tenant: 'a', scheduledAt: later() }),
    ];
    const first = await queue.submitBulk(items, undefined, { jobIds });
    expect(first.map((o) => ('jobId' in o ? [o.jobId, o.existing ?? false] : o.error))).toEqual(
      jobIds.map((id) => [id, false]),
    );
    await waitFor(
      () => queue.counts({ tenant: 'a' }),
      (c) => c.completed === 2,
      { what: 'two jobs to complete' },
    );

    const again = await queue.submitBulk(items, undefined, { jobIds });
    expect(again).toEqual([
      {
        index: 0,
        jobId: jobIds[0],
        submittedAt: expect.any(Date),
        status: 'Completed',
        existing: true,
      },
      {
        index: 1,
        jobId: jobIds[1],
        submittedAt: expect.any(Date),
        status: 'Completed',
        existing: true,
      },
      {
        index: 2,
        jobId: jobIds[2],
        submittedAt: expect.any(Date),
        status: 'Delayed',
        existing: true,
      },
    ]);
    expect(await queue.counts({ tenant: 'a' })).toMatchObject({
      completed: 2,
      delayed: 1,
      total: 3,
    });
    expect((await readExecutions(url, prefix)).map((run) => run.jobId).sort()).toEqual(
      jobIds.slice(0, 2).sort(),
    );
    await expect(
      queue.submitBulk(items, undefined, { jobIds: jobIds.slice(1) }),
    ).rejects.toBeInstanceOf(RangeError);
  });
});
