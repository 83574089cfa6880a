import { INestApplicationContext } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import {
  connectTestRedis,
  deleteKeysWithPrefix,
  findKeys,
  testRedisUrl,
  uniquePrefix,
  waitFor,
} from '@riptide/testing';
import { readExecutions } from '../testing';
import { JobNotFoundError } from './errors/job-not-found.error';
import { JobValidationError } from './errors/job-validation.error';
import { JobStatus, JobSubmission } from './model/job.interface';
import { bootTestQueueApp } from './queue-app.spec-helper';
import { QueueService } from './queue.service';

const url = testRedisUrl();

describe('QueueService tenant isolation (real Redis, real bull)', () => {
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

  const until = (queue: QueueService, id: string, status: JobStatus) =>
    waitFor(
      () => queue.getJob(id).then((j) => j.status),
      (s) => s === status,
      { what: `job ${id} to be ${status}` },
    );

  /** Expects exactly what an unknown id gets: JobNotFoundError, same message with this id. */
  async function expectUnknown(
    queue: QueueService,
    attempt: Promise<unknown>,
    jobId: string,
  ): Promise<void> {
    // Handled at once: a rejection left unhandled while the reference is read fails the test.
    const settled = attempt.then(
      () => new Error('expected JobNotFoundError, but it succeeded'),
      (e: unknown) => e,
    );
    const unknownId = randomUUID();
    const reference = (await queue.getJob(unknownId).catch((e: unknown) => e)) as JobNotFoundError;
    const error = await settled;
    expect(error).toBeInstanceOf(JobNotFoundError);
    expect(error).toMatchObject({ name: reference.name, jobId });
    expect((error as Error).message).toBe(reference.message.replace(unknownId, jobId));
  }

  beforeEach(() => {
    prefix = uniquePrefix('tenants');
    redis = connectTestRedis(url);
  });

  afterEach(async () => {
    while (apps.length) await apps.pop()!.close();
    redis.disconnect();
    await deleteKeysWithPrefix(url, prefix);
  });

  it("stores the tenant (default `default`) and hides another tenant's job like an unknown id", async () => {
    const queue = await boot(0);
    const own = await queue.submit(custom('echo', { tenant: 'a' }));
    const plain = await queue.submit(custom('echo'));

    expect(await queue.getJob(own.jobId)).toMatchObject({ jobId: own.jobId, tenant: 'a' });
    expect(await queue.getJob(own.jobId, { tenant: 'a' })).toMatchObject({
      jobId: own.jobId,
      tenant: 'a',
    });
    expect((await queue.getJob(plain.jobId)).tenant).toBe('default');
    expect((await queue.getJob(plain.jobId, { tenant: 'default' })).tenant).toBe('default');

    await expectUnknown(queue, queue.getJob(own.jobId, { tenant: 'b' }), own.jobId);
    await expectUnknown(queue, queue.getJob(plain.jobId, { tenant: 'a' }), plain.jobId);
    expect(await queue.findJob(own.jobId, { tenant: 'b' })).toBeNull();
    // A malformed scope owns nothing: it never widens to every tenant.
    expect(await queue.findJob(own.jobId, { tenant: '' })).toBeNull();
    expect(await queue.findJob(own.jobId, { tenant: 'A' })).toBeNull();
  });

  it('runs a job for its tenant: the worker sees it, and only that tenant reads the result', async () => {
    const queue = await boot(1);
    const { jobId } = await queue.submit(custom('echo', { tenant: 'a' }));
    await until(queue, jobId, 'Completed');
    expect((await readExecutions(url, prefix)).map((run) => [run.jobId, run.tenant])).toEqual([
      [jobId, 'a'],
    ]);

    expect(await queue.getResult(jobId, { tenant: 'a' })).toMatchObject({ jobId, success: true });
    expect(await queue.getResult(jobId)).toMatchObject({ jobId, success: true });
    await expectUnknown(queue, queue.getResult(jobId, { tenant: 'b' }), jobId);
  });

  it("refuses to cancel or replay another tenant's job and leaves it as it was", async () => {
    const queue = await boot(0);
    const later = new Date(Date.now() + 60_000);
    const { jobId } = await queue.submit(custom('echo', { tenant: 'a', scheduledAt: later }));

    await expectUnknown(queue, queue.cancel(jobId, { tenant: 'b' }), jobId);
    expect((await queue.getJob(jobId)).status).toBe('Delayed');
    expect(await redis.zscore(queue.keys.listIndex('*', 'Cancelled', '*'), jobId)).toBeNull();

    expect(await queue.cancel(jobId, { tenant: 'a' })).toEqual({ jobId, status: 'Cancelled' });
    expect((await queue.getJob(jobId)).status).toBe('Cancelled');

    await expectUnknown(queue, queue.replay(jobId, { tenant: 'b' }), jobId);
    expect((await queue.getJob(jobId)).status).toBe('Cancelled');

    expect((await queue.replay(jobId, { tenant: 'a' })).status).toBe('Pending');
    expect((await queue.getJob(jobId, { tenant: 'a' })).status).toBe('Pending');
  });

  it("lists and counts only the tenant's own jobs, walking only its index", async () => {
    const queue = await boot(0);
    const submit = async (tenant: string | undefined, metadata: Record<string, string> = {}) => {
      const { jobId } = await queue.submit(custom('echo', { tenant, metadata }));
      // Distinct creation times keep the newest-first order unambiguous.
      await new Promise((r) => setTimeout(r, 2));
      return jobId;
    };
    const a1 = await submit('a', { customer: 'acme' });
    const b1 = await submit('b', { customer: 'acme' });
    const a2 = await submit('a');
    const d1 = await submit(undefined);
    const a3 = await submit('a');
    const b2 = await submit('b');
    await queue.cancel(a2, { tenant: 'a' });
    await queue.cancel(b2, { tenant: 'b' });

    const ids = async (query: Parameters<QueueService['listJobs']>[0]) => {
      const page = await queue.listJobs(query);
      return { ids: page.jobs.map((j) => j.jobId), total: page.total };
    };
    expect(await ids({ tenant: 'a' })).toEqual({ ids: [a3, a2, a1], total: 3 });
    expect(await ids({ tenant: 'b' })).toEqual({ ids: [b2, b1], total: 2 });
    expect(await ids({ tenant: 'default' })).toEqual({ ids: [d1], total: 1 });
    expect(await ids({})).toEqual({ ids: [b2, a3, d1, a2, b1, a1], total: 6 });
    expect(await ids({ tenant: 'a', limit: 1, offset: 1 })).toEqual({ ids: [a2], total: 3 });
    expect(await ids({ tenant: 'a', status: 'Pending' })).toEqual({ ids: [a3, a1], total: 2 });
    expect(await ids({ tenant: 'b', search: 'acme' })).toEqual({ ids: [b1], total: 1 });
    expect(await ids({ tenant: 'c' })).toEqual({ ids: [], total: 0 });
    expect(await ids({ tenant: 'Not A Tenant' })).toEqual({ ids: [], total: 0 });
    expect((await queue.listJobs({ tenant: 'a' })).jobs.every((j) => j.tenant === 'a')).toBe(true);

    // Each tenant's index holds exactly its jobs: that is what a tenant's listing walks.
    expect((await redis.zrange(queue.keys.tenantIndex('a'), 0, -1)).sort()).toEqual(
      [a1, a2, a3].sort(),
    );
    expect((await redis.smembers(queue.keys.tenants)).sort()).toEqual(['a', 'b', 'default']);

    expect(await queue.counts({ tenant: 'a' })).toEqual({
      pending: 2,
      processing: 0,
      completed: 0,
      failed: 0,
      retry: 0,
      delayed: 0,
      deadLetter: 0,
      cancelled: 1,
      total: 3,
    });
    expect(await queue.counts({ tenant: 'b' })).toMatchObject({
      pending: 1,
      cancelled: 1,
      total: 2,
    });
    expect(await queue.counts({ tenant: 'c' })).toMatchObject({
      pending: 0,
      cancelled: 0,
      total: 0,
    });
    expect(await queue.counts()).toMatchObject({ pending: 4, cancelled: 2, total: 6 });
  });

  it('refuses an invalid tenant name at submit', async () => {
    const queue = await boot(0);
    for (const tenant of ['', 'A', '-a', 'a b', 'a:b', '{a}', 'x'.repeat(64)]) {
      const error = await queue.submit(custom('echo', { tenant })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(JobValidationError);
      expect((error as JobValidationError).problems).toEqual([
        expect.stringMatching(/^tenant must match \[a-z0-9\]\[a-z0-9_-\]\{0,62\}/),
      ]);
    }
    expect(queue.validate(custom('echo', { tenant: 'Bad' }), (path) => path.toUpperCase())).toEqual(
      [expect.stringMatching(/^TENANT must match /)],
    );
    const longest = 'a' + '_-9'.repeat(20) + 'zz';
    expect(longest).toHaveLength(63);
    expect(
      (await queue.getJob((await queue.submit(custom('echo', { tenant: longest }))).jobId)).tenant,
    ).toBe(longest);
    expect((await queue.listJobs({})).total).toBe(1);
  });

  it('drops removed jobs from the tenant indexes too', async () => {
    const queue = await boot(1);
    const a = await queue.submit(custom('echo', { tenant: 'a' }));
    const b = await queue.submit(custom('echo', { tenant: 'b' }));
    await until(queue, a.jobId, 'Completed');
    await until(queue, b.jobId, 'Completed');
    await new Promise((r) => setTimeout(r, 50));
    const removed = await queue.removeFinishedOlderThan(0);
    // The index entries went with the jobs, in the same scripts: nothing was left for the reconciliation.
    expect(removed).toEqual({ completed: 2, failed: 0, indexEntries: 0 });
    expect(await redis.zcard(queue.keys.tenantIndex('a'))).toBe(0);
    expect(await redis.zcard(queue.keys.tenantIndex('b'))).toBe(0);
    expect(await redis.zcard(queue.keys.listIndex('a', 'Completed', '*'))).toBe(0);
    expect(await redis.zcard(queue.keys.listIndex('b', '*', 'custom:echo'))).toBe(0);
    // No listing set is left (only the reconciliation's cursor and ready mark live beside them).
    expect(await findKeys(url, `${queue.keys.base}rt:ix:*:*:*`)).toEqual([]);
    expect(await redis.zcard(queue.keys.index)).toBe(0);
    expect(await redis.hlen(queue.keys.facets)).toBe(0);
  });

  it('reads jobs stored before tenants as `default` and indexes them (and older jobs) at boot', async () => {
    const first = await boot(0);
    const { jobId } = await first.submit(custom('echo', { metadata: { team: 'old' } }));
    // Turn it into a job as stored before tenants and the listing indexes existed: no tenant in its
    // data, no search field, only in the global index.
    const key = first.keys.job(jobId);
    const data = JSON.parse((await redis.hget(key, 'data'))!) as {
      record: Record<string, unknown>;
    };
    delete data.record['tenant'];
    await redis.hset(key, 'data', JSON.stringify(data));
    await redis.hdel(key, 'rt_search');
    const listIndexes = await findKeys(url, `${first.keys.base}rt:ix:*`);
    await redis.del(
      first.keys.tenantIndex('default'),
      first.keys.tenants,
      first.keys.facets,
      first.keys.indexesReady,
      ...listIndexes,
    );
    expect((await first.listJobs({ tenant: 'default' })).total).toBe(0);

    const second = await boot(0);
    expect(await second.getJob(jobId, { tenant: 'default' })).toMatchObject({
      tenant: 'default',
      metadata: { team: 'old' },
    });
    await expectUnknown(second, second.getJob(jobId, { tenant: 'a' }), jobId);
    await expectUnknown(second, second.cancel(jobId, { tenant: 'a' }), jobId);
    expect(await second.listJobs({ tenant: 'default' })).toMatchObject({
      total: 1,
      jobs: [{ jobId, tenant: 'default' }],
    });
    expect(await second.counts({ tenant: 'default' })).toMatchObject({ pending: 1, total: 1 });
    expect(
      await second.listJobs({ status: 'Pending', jobType: 'custom:echo', search: 'old' }),
    ).toMatchObject({ total: 1, jobs: [{ jobId }] });
    expect(await redis.smembers(second.keys.tenants)).toEqual(['default']);
  });
});
