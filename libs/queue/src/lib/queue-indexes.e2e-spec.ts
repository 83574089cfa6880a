import { INestApplicationContext } from '@nestjs/common';
import Bull from 'bull';
import Redis from 'ioredis';
import { ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { getQueueToken } from '@nestjs/bull';
import { randomUUID } from 'node:crypto';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix, waitFor } from '@riptide/testing';
import { readExecutions } from '../testing';
import {
  JOB_STATUSES,
  JobStatus,
  JobSubmission,
  JobView,
  QueueCounts,
} from './model/job.interface';
import { QueueModuleOptions } from './queue-options.interface';
import { RIPTIDE_QUEUE_NAME } from './queue.constants';
import { bootTestQueueApp } from './queue-app.spec-helper';
import { QueueService } from './queue.service';

const url = testRedisUrl();
const root = resolve(__dirname, '../../../..');
const fast = { initialDelaySecs: 0.2, backoffMultiplier: 2, maxDelaySecs: 5, useJitter: false };
const COUNT_FIELD: Record<JobStatus, keyof QueueCounts> = {
  Pending: 'pending',
  Delayed: 'delayed',
  Processing: 'processing',
  Retrying: 'retry',
  Completed: 'completed',
  Failed: 'failed',
  DeadLetter: 'deadLetter',
  Cancelled: 'cancelled',
};

describe('QueueService listing indexes and counts (real Redis, real bull)', () => {
  let prefix: string;
  let redis: Redis;
  const apps: INestApplicationContext[] = [];
  const children: ChildProcess[] = [];

  async function boot(poolSize: number, extra: Partial<QueueModuleOptions> = {}) {
    const app = await bootTestQueueApp({ redisUrl: url, prefix, poolSize, extra });
    apps.push(app);
    return app.get(QueueService);
  }

  const custom = (
    jobName: string,
    payload?: object,
    more: Partial<JobSubmission> = {},
  ): JobSubmission => ({
    jobType: { type: 'custom', jobName, payload: payload as never },
    ...more,
  });
  const until = (queue: QueueService, id: string, status: JobStatus) =>
    waitFor(
      () => queue.getJob(id).then((j) => j.status),
      (s) => s === status,
      { what: `job ${id} to be ${status}` },
    );

  /**
   * The counts and listing totals, for the queue and for each tenant, against the status of every
   * job read one by one (from where bull keeps it): they must agree exactly.
   */
  async function tally(queue: QueueService, ids: string[], withPairs: boolean) {
    const views = await Promise.all(ids.map((id) => queue.findJob(id)));
    const expected = (tenant?: string) => {
      const counts: Record<string, number> = Object.fromEntries(
        JOB_STATUSES.map((s) => [COUNT_FIELD[s], 0]),
      );
      let total = 0;
      for (const view of views) {
        if (!view || (tenant && view.tenant !== tenant)) continue;
        counts[COUNT_FIELD[view.status]]++;
        total++;
      }
      return { ...counts, total };
    };
    const listed = async (tenant?: string) => {
      const out: Record<string, number> = {};
      for (const status of JOB_STATUSES)
        out[COUNT_FIELD[status]] = (await queue.listJobs({ status, tenant, limit: 1 })).total;
      return { ...out, total: (await queue.listJobs({ tenant, limit: 1 })).total };
    };
    const tenants = [...new Set(views.flatMap((v) => (v ? [v.tenant] : [])))].sort();
    // Status and type together: the ids of every pair, for the queue and for each tenant.
    const typesOf = (view: JobView) =>
      view.jobType.type === 'custom'
        ? ['custom', `custom:${view.jobType.jobName}`]
        : [view.jobType.type];
    const types = [...new Set(views.flatMap((v) => (v ? typesOf(v) : [])))].sort();
    const pairs = (tenant?: string) =>
      JOB_STATUSES.flatMap((status) => types.map((jobType) => ({ status, jobType, tenant })));
    const matching = ({
      status,
      jobType,
      tenant,
    }: {
      status: JobStatus;
      jobType: string;
      tenant?: string;
    }) =>
      views
        .filter(
          (v): v is JobView =>
            !!v &&
            v.status === status &&
            typesOf(v).includes(jobType) &&
            (!tenant || v.tenant === tenant),
        )
        .map((v) => v.jobId)
        .sort();
    const allPairs = withPairs ? [undefined, ...tenants].flatMap((tenant) => pairs(tenant)) : [];
    return {
      expected: [expected(), ...tenants.map((t) => expected(t)), allPairs.map(matching)],
      counted: [
        await queue.counts(),
        ...(await Promise.all(tenants.map((tenant) => queue.counts({ tenant })))),
        allPairs.map(matching),
      ],
      listed: [
        await listed(),
        ...(await Promise.all(tenants.map((tenant) => listed(tenant)))),
        await Promise.all(
          allPairs.map(async (pair) =>
            (await queue.listJobs({ ...pair, limit: 500 })).jobs.map((j) => j.jobId).sort(),
          ),
        ),
      ],
    };
  }

  /**
   * Waits for the queue to settle where `settled` holds, then expects every total to be exact;
   * `withPairs` (for states where no job is still moving: the check takes a while) also lists
   * every status × type pair.
   */
  async function expectExact(
    queue: QueueService,
    ids: string[],
    settled: (counts: QueueCounts) => boolean,
    withPairs = false,
  ) {
    await waitFor(() => queue.counts(), settled, { what: 'the jobs to settle' });
    const { expected, counted, listed } = await tally(queue, ids, withPairs);
    expect(counted).toEqual(expected);
    expect(listed).toEqual(expected);
  }

  beforeEach(() => {
    prefix = uniquePrefix('indexes');
    redis = new Redis(url);
  });

  afterEach(async () => {
    for (const child of children.splice(0))
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    while (apps.length) await apps.pop()!.close();
    redis.disconnect();
    await deleteKeysWithPrefix(url, prefix);
  });

  it('keeps counts and listing totals exact through completion, failure, retry, dead-letter, cancel and replay', async () => {
    const producer = await boot(0);
    const ids: string[] = [];
    const submit = async (submission: JobSubmission) => {
      const { jobId } = await producer.submit(submission);
      ids.push(jobId);
      return jobId;
    };
    await submit(custom('echo', {}, { tenant: 'a' }));
    const permanent = await submit(custom('fail-permanently', {}, { tenant: 'b' }));
    const dead = await submit(
      custom('fail', {}, { tenant: 'a', retryConfig: { ...fast, maxAttempts: 2 } }),
    );
    await submit(
      custom('flaky', { failures: 1 }, { tenant: 'b', retryConfig: { ...fast, maxAttempts: 3 } }),
    );
    const queuedCancel = await submit(
      custom('echo', {}, { tenant: 'a', scheduledAt: new Date(Date.now() + 3600_000) }),
    );
    const soon = await submit(
      custom('echo', {}, { tenant: 'b', scheduledAt: new Date(Date.now() + 1500) }),
    );
    await submit({ jobType: { type: 'maintenance', taskType: 'cleanup' } });
    await producer.cancel(queuedCancel);
    await expectExact(
      producer,
      ids,
      (c) => c.pending === 5 && c.delayed === 1 && c.cancelled === 1,
    );

    const queue = await boot(2);
    const running = await submit(custom('sleep', { ms: 20000 }, { tenant: 'a' }));
    await until(queue, running, 'Processing');
    await until(queue, soon, 'Completed');
    await expectExact(
      queue,
      ids,
      (c) => c.processing === 1 && c.deadLetter === 1 && c.failed === 1 && c.completed === 4,
    );
    expect((await queue.listJobs({ status: 'Processing' })).jobs.map((j) => j.jobId)).toEqual([
      running,
    ]);
    expect(
      (
        await queue.listJobs({ status: 'DeadLetter', jobType: 'custom:fail', tenant: 'a' })
      ).jobs.map((j) => j.jobId),
    ).toEqual([dead]);
    expect((await queue.listJobs({ status: 'Failed', tenant: 'a' })).total).toBe(0);

    await queue.cancel(running);
    await queue.replay(dead);
    await queue.replay(queuedCancel);
    await until(queue, queuedCancel, 'Completed');
    await until(queue, dead, 'DeadLetter');
    await expectExact(
      queue,
      ids,
      (c) => c.cancelled === 1 && c.completed === 5 && c.deadLetter === 1 && c.processing === 0,
      true,
    );
    expect((await queue.listJobs({ status: 'Cancelled' })).jobs.map((j) => j.jobId)).toEqual([
      running,
    ]);
    expect((await queue.getJob(permanent)).status).toBe('Failed');
    // A retry shows as Retrying, in the index as in the view, while it waits for its next attempt.
    const retrying = await submit(
      custom(
        'flaky',
        { failures: 1 },
        { tenant: 'a', retryConfig: { ...fast, initialDelaySecs: 2, maxAttempts: 2 } },
      ),
    );
    await until(queue, retrying, 'Retrying');
    expect((await queue.listJobs({ status: 'Retrying' })).jobs.map((j) => j.jobId)).toEqual([
      retrying,
    ]);
    expect(await queue.counts({ tenant: 'a' })).toMatchObject({ retry: 1 });
    await until(queue, retrying, 'Completed');
    await expectExact(queue, ids, (c) => c.retry === 0 && c.completed === 6, true);
  });

  it('recovers a job whose worker was killed, and keeps the totals exact through the recovery', async () => {
    const queue = await boot(0);
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', join(__dirname, '../e2e/queue-worker.e2e-child.ts')],
      {
        cwd: root,
        env: {
          ...process.env,
          SWC_NODE_PROJECT: 'tsconfig.base.json',
          QUEUE_E2E_REDIS_URL: url,
          QUEUE_E2E_PREFIX: prefix,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error(`the worker did not start: ${stderr}`)), 30000);
      child.stdout?.on(
        'data',
        (chunk: Buffer) => chunk.toString().includes('ready') && (clearTimeout(timer), ready()),
      );
      child.once('exit', (code) => fail(new Error(`the worker exited with ${code}: ${stderr}`)));
    });
    const { jobId } = await queue.submit(custom('sleep', { ms: 1500 }, { tenant: 'a' }));
    await until(queue, jobId, 'Processing');
    await expectExact(queue, [jobId], (c) => c.processing === 1);

    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    // Still Processing for the indexes as for bull until the lock lapses and a worker's stalled check moves it.
    expect(await queue.counts({ tenant: 'a' })).toMatchObject({ processing: 1, total: 1 });
    const rescuer = await boot(1);
    await until(rescuer, jobId, 'Completed');
    await expectExact(rescuer, [jobId], (c) => c.completed === 1);
    // Recovery from a dead worker is not a failed attempt: both runs were attempt 1.
    expect((await readExecutions(url, prefix)).map((run) => run.attempt)).toEqual([1, 1]);
  });

  it("drops jobs removed by age (bull's own retention) from every index, their external results with them", async () => {
    const queue = await boot(1, { completedTtlSecs: 1, failedTtlSecs: 1 });
    const big = { value: 'x'.repeat(9000) };
    const old = (await queue.submit(custom('echo', big, { tenant: 'a' }))).jobId;
    const oldFailure = (await queue.submit(custom('fail-permanently', {}, { tenant: 'a' }))).jobId;
    await until(queue, old, 'Completed');
    await until(queue, oldFailure, 'Failed');
    expect(await redis.exists(queue.keys.result(old))).toBe(1);
    expect(await queue.counts({ tenant: 'a' })).toMatchObject({
      completed: 1,
      failed: 1,
      total: 2,
    });
    await new Promise((r) => setTimeout(r, 1100));

    // The next job that finishes makes bull remove those older than the TTL, in the same script.
    const fresh = (await queue.submit(custom('echo', {}, { tenant: 'a' }))).jobId;
    const freshFailure = (await queue.submit(custom('fail-permanently', {}, { tenant: 'a' })))
      .jobId;
    await until(queue, fresh, 'Completed');
    await until(queue, freshFailure, 'Failed');
    expect(await queue.findJob(old)).toBeNull();
    expect(await queue.findJob(oldFailure)).toBeNull();
    expect(
      await redis.exists(queue.keys.job(old), queue.keys.result(old), queue.keys.job(oldFailure)),
    ).toBe(0);
    expect(await queue.counts({ tenant: 'a' })).toMatchObject({
      completed: 1,
      failed: 1,
      total: 2,
    });
    expect((await queue.listJobs({ tenant: 'a' })).jobs.map((j) => j.jobId)).toEqual([
      freshFailure,
      fresh,
    ]);
    expect((await redis.hkeys(queue.keys.facets)).sort()).toEqual([fresh, freshFailure].sort());
    const leftovers = [];
    for (const key of await redis.keys(`${queue.keys.base}rt:i*`)) {
      const members = await redis.zrange(key, 0, -1).catch(() => [] as string[]);
      if (members.includes(old) || members.includes(oldFailure)) leftovers.push(key);
    }
    expect(leftovers).toEqual([]);
  });

  it('lists from the indexes without reading job data: a PDF job shows its size, never its document', async () => {
    const queue = await boot(0);
    const pdfData = Buffer.alloc(1024 * 1024, 7).toString('base64');
    const pdf = (
      await queue.submit({
        jobType: { type: 'pdf_extraction', pdfData },
        tenant: 'a',
        metadata: { file: 'Report.pdf' },
      })
    ).jobId;
    const plain = (
      await queue.submit(custom('echo', {}, { tenant: 'a', metadata: { file: 'other' } }))
    ).jobId;
    const key = queue.keys.job(pdf);
    // The search text and the compact view live beside the data, not in it.
    expect(await redis.hget(key, 'rt_search')).toBe(`${pdf} file report.pdf`);
    expect(await redis.hstrlen(key, 'rt_view')).toBeLessThan(2000);
    expect(await redis.hstrlen(key, 'data')).toBeGreaterThan(1024 * 1024);

    // Spoil the stored data: the listing and the search still answer, so they never read it.
    await redis.hset(key, 'data', 'not json');
    const page = await queue.listJobs({ tenant: 'a' });
    expect(page.jobs.map((j) => j.jobId)).toEqual([plain, pdf]);
    expect(page.jobs[1].jobType).toEqual({ type: 'pdf_extraction', pdfDataBytes: 1024 * 1024 });
    expect(page.jobs[1].metadata).toEqual({ file: 'Report.pdf' });
    const found = await queue.listJobs({
      search: 'REPORT',
      jobType: 'pdf_extraction',
      status: 'Pending',
    });
    expect(found).toMatchObject({
      total: 1,
      jobs: [{ jobId: pdf, jobType: { pdfDataBytes: 1024 * 1024 } }],
    });
    expect((await queue.listJobs({ search: pdf.slice(0, 8) })).total).toBe(1);
    expect((await queue.listJobs({ jobType: 'custom' })).jobs.map((j) => j.jobId)).toEqual([plain]);
    expect((await queue.listJobs({ jobType: 'custom:other' })).total).toBe(0);
    expect((await queue.listJobs({ jobType: 'no such {type}' })).total).toBe(0);
    expect(await queue.counts({ tenant: 'a' })).toMatchObject({ pending: 2, total: 2 });
    // One job read compact does not read the data either (the spec made it unreadable above).
    const compact = await queue.getJob(pdf, undefined, { compact: true });
    expect(compact.jobType).toEqual({ type: 'pdf_extraction', pdfDataBytes: 1024 * 1024 });
  });

  it('indexes jobs added to bull directly, and repairs what a process without the index upkeep changed', async () => {
    const queue = await boot(0);
    const tracked = (await queue.submit(custom('echo', {}, { tenant: 'a' }))).jobId;
    const gone = (await queue.submit(custom('echo', {}, { tenant: 'a' }))).jobId;
    // bull's own add, through the queue's connection, runs with the index upkeep too (its tenant read from its data).
    const bullQueue = apps[0].get<Bull.Queue>(getQueueToken(RIPTIDE_QUEUE_NAME));
    const direct = randomUUID();
    const record = {
      tenant: 'b',
      jobType: { type: 'custom', jobName: 'echo' },
      priority: 'Normal',
      retryConfig: { ...fast, maxAttempts: 1 },
      timeoutSecs: 60,
      scheduledAt: null,
      metadata: {},
      searchText: direct,
    };
    await bullQueue.add('custom:echo', { searchText: direct, record }, { jobId: direct });
    expect(await queue.getJob(direct)).toMatchObject({ tenant: 'b', status: 'Pending' });
    expect(await queue.counts()).toMatchObject({ pending: 3, total: 3 });
    expect(await queue.counts({ tenant: 'b' })).toMatchObject({ pending: 1, total: 1 });

    // A job removed, and jobs run, by something that runs bull without these scripts (an older
    // version of this service, say): the indexes do not see it happen.
    await redis.multi().lrem(queue.keys.bull('wait'), 0, gone).del(queue.keys.job(gone)).exec();
    const foreign = new Bull(RIPTIDE_QUEUE_NAME, url, { prefix });
    let finished = 0;
    const done = new Promise<void>((resolveDone) =>
      foreign.on('completed', () => ++finished === 2 && resolveDone()),
    );
    void foreign.process('*', 1, async () => 'done elsewhere');
    await done;
    await foreign.close();
    expect(await queue.counts()).toMatchObject({ pending: 3, completed: 0 });

    // The reconciliation finds and repairs all of it.
    let repaired = { changed: 0, dropped: 0 };
    for (let step = 0; step < 20 && repaired.changed + repaired.dropped < 3; step++) {
      const found = await queue.reconcileIndexes(1);
      repaired = {
        changed: repaired.changed + found.changed,
        dropped: repaired.dropped + found.dropped,
      };
    }
    expect(repaired).toEqual({ changed: 2, dropped: 1 });
    expect(await queue.counts()).toEqual({
      pending: 0,
      processing: 0,
      completed: 2,
      failed: 0,
      retry: 0,
      delayed: 0,
      deadLetter: 0,
      cancelled: 0,
      total: 2,
    });
    expect(await queue.counts({ tenant: 'b' })).toMatchObject({ completed: 1, total: 1 });
    expect((await queue.listJobs({ status: 'Completed' })).jobs.map((j) => j.jobId)).toEqual([
      direct,
      tracked,
    ]);
    expect(await queue.reconcileIndexes()).toEqual({ changed: 0, dropped: 0 });
  });
});
