import { INestApplicationContext } from '@nestjs/common';
import type Redis from 'ioredis';
import {
  connectTestRedis,
  deleteKeysWithPrefix,
  testRedisUrl,
  uniquePrefix,
  waitFor,
} from '@riptide/testing';
import { JobStatus, JobSubmission } from './model/job.interface';
import { JobEventRecord, compareJobEventIds, parseJobEventRecord } from './model/job-event-record';
import {
  OUTBOX_FIELDS,
  WEBHOOK_ERROR_MAX_BYTES,
  boundWebhookError,
} from './model/webhook-outbox.util';
import { RIPTIDE_QUEUE_NAME } from './queue.constants';
import { bootTestQueueApp } from './queue-app.spec-helper';
import { QueueService } from './queue.service';
import { QueueKeys } from './redis/queue-keys';

const url = testRedisUrl();
const fast = { initialDelaySecs: 0.2, backoffMultiplier: 2, maxDelaySecs: 5, useJitter: false };

describe('job events: the per-tenant log, the channel and the outbox (real Redis, real bull)', () => {
  let prefix: string;
  let keys: QueueKeys;
  let redis: Redis;
  let subscriber: Redis;
  const published: JobEventRecord[] = [];
  const apps: INestApplicationContext[] = [];

  async function boot(poolSize: number) {
    const app = await bootTestQueueApp({ redisUrl: url, prefix, poolSize });
    apps.push(app);
    return app.get(QueueService);
  }

  const custom = (jobName: string, payload?: object, tenant = 'acme'): JobSubmission => ({
    jobType: { type: 'custom', jobName, payload: payload as never },
    tenant,
  });

  async function logOf(tenant: string): Promise<JobEventRecord[]> {
    const entries = await redis.xrange(keys.eventLog(tenant), '-', '+');
    return entries.map(([id, fields]) => {
      const record = parseJobEventRecord(fields[1], id);
      if (!record) throw new Error(`malformed event ${id}: ${fields[1]}`);
      return record;
    });
  }

  const kindsOf = (events: JobEventRecord[], jobId: string) =>
    events.filter((e) => e.job === jobId).map((e) => e.event);

  const ended = (queue: QueueService, id: string, status: JobStatus) =>
    waitFor(
      () => queue.getJob(id).then((j) => j.status),
      (s) => s === status,
      { what: `job ${id} to be ${status}` },
    );

  beforeEach(async () => {
    prefix = uniquePrefix('events');
    keys = new QueueKeys(prefix, RIPTIDE_QUEUE_NAME);
    redis = connectTestRedis(url);
    subscriber = connectTestRedis(url);
    published.length = 0;
    subscriber.on('message', (_channel, message) => {
      const record = parseJobEventRecord(message);
      if (record) published.push(record);
    });
    await subscriber.subscribe(keys.eventChannel);
  });

  afterEach(async () => {
    while (apps.length) await apps.pop()!.close();
    subscriber.disconnect();
    redis.disconnect();
    await deleteKeysWithPrefix(url, prefix);
  });

  it('logs every status change and progress of a job, in order, in its own tenant log, and publishes each with its id', async () => {
    const queue = await boot(1);
    const { jobId } = await queue.submit(custom('sleep', { ms: 50 }));
    await ended(queue, jobId, 'Completed');

    const log = await waitFor(
      () => logOf('acme'),
      (events) => kindsOf(events, jobId).includes('completed'),
      { what: 'the completed event' },
    );
    expect(kindsOf(log, jobId)).toEqual(['pending', 'processing', 'progress', 'completed']);
    const progress = log.find((e) => e.event === 'progress')!;
    expect(progress).toMatchObject({ status: 'Processing', progress: 10, name: 'custom:sleep' });
    expect(log.at(-1)).toMatchObject({ job: jobId, tenant: 'acme', status: 'Completed' });
    const ids = log.map((e) => e.id);
    expect([...ids].sort(compareJobEventIds)).toEqual(ids);
    for (const event of log) expect(Math.abs(event.at - Date.now())).toBeLessThan(60_000);

    await waitFor(
      () => Promise.resolve(published.length),
      (n) => n >= log.length,
      { what: 'every event to be published' },
    );
    expect(published).toEqual(log);
    expect(await redis.exists(keys.eventLog('other'))).toBe(0);
  });

  it('names retries, the dead letter and a cancel', async () => {
    const queue = await boot(1);
    const dead = await queue.submit({
      ...custom('fail'),
      retryConfig: { ...fast, maxAttempts: 2 },
    });
    await ended(queue, dead.jobId, 'DeadLetter');
    const queued = await queue.submit({
      ...custom('echo'),
      scheduledAt: new Date(Date.now() + 60_000),
    });
    await queue.cancel(queued.jobId);

    const log = await logOf('acme');
    expect(kindsOf(log, dead.jobId)).toEqual([
      'pending',
      'processing',
      'retrying',
      'processing',
      'dead_letter',
    ]);
    expect(kindsOf(log, queued.jobId)).toEqual(['delayed', 'cancelled']);
  });

  /** The outbox entries, each as its event and its other fields. */
  async function outbox(): Promise<{ event: JobEventRecord; fields: Record<string, string> }[]> {
    const entries = await redis.xrange(keys.eventOutbox, '-', '+');
    return entries.map(([id, flat]) => {
      const fields: Record<string, string> = {};
      for (let i = 0; i + 1 < flat.length; i += 2) fields[flat[i]] = flat[i + 1];
      const event = parseJobEventRecord(fields[OUTBOX_FIELDS.event]);
      if (!event) throw new Error(`malformed outbox entry ${id}`);
      delete fields[OUTBOX_FIELDS.event];
      return { event, fields };
    });
  }

  it("queues for the webhook dispatcher only the events of the kinds a job's own webhook wants, with its URL", async () => {
    const queue = await boot(1);
    const hooked = await queue.submit({
      ...custom('sleep', { ms: 50 }),
      webhook: { url: 'https://hooks.example/acme', events: ['completed'] },
    });
    const plain = await queue.submit(custom('echo'));
    await ended(queue, hooked.jobId, 'Completed');
    await ended(queue, plain.jobId, 'Completed');
    expect(await redis.hget(`${prefix}:jobs:${hooked.jobId}`, 'rt_webhook')).toBe(',completed,');

    // Its log has pending, processing, progress and completed; the outbox only the completion.
    expect(kindsOf(await logOf('acme'), hooked.jobId)).toEqual([
      'pending',
      'processing',
      'progress',
      'completed',
    ]);
    const queued = await outbox();
    expect(queued).toHaveLength(1);
    expect(queued[0].event).toMatchObject({ job: hooked.jobId, event: 'completed' });
    expect(queued[0].fields).toEqual({ webhook: 'https://hooks.example/acme' });
    // The entry carries the id of the event in the tenant's log.
    const logged = (await logOf('acme')).find(
      (e) => e.job === hooked.jobId && e.event === 'completed',
    );
    expect(queued[0].event.id).toBe(logged!.id);
  });

  it('queues the webhook kinds of every job of a tenant with standing subscriptions, never pending, processing or delayed', async () => {
    const queue = await boot(1);
    const unwatched = await queue.submit(custom('echo', {}, 'quiet'));
    await redis.hset(keys.webhookSubscriptions('watched'), 'sub-1', '{}');
    const done = await queue.submit(custom('echo', {}, 'watched'));
    const dead = await queue.submit({
      ...custom('fail', {}, 'watched'),
      retryConfig: { ...fast, maxAttempts: 2 },
    });
    const parked = await queue.submit({
      ...custom('echo', {}, 'watched'),
      scheduledAt: new Date(Date.now() + 60_000),
    });
    await queue.cancel(parked.jobId);
    await ended(queue, done.jobId, 'Completed');
    await ended(queue, unwatched.jobId, 'Completed');
    await ended(queue, dead.jobId, 'DeadLetter');

    const queued = await outbox();
    const byJob = (jobId: string) =>
      queued.filter((q) => q.event.job === jobId).map((q) => [q.event.event, q.fields]);
    // No own webhook: the entries say so, and carry the error of a failure.
    expect(byJob(done.jobId)).toEqual([['completed', { webhook: '' }]]);
    expect(byJob(dead.jobId)).toEqual([
      ['retrying', { webhook: '', error: 'boom on attempt 1' }],
      ['dead_letter', { webhook: '', error: 'boom on attempt 2' }],
    ]);
    expect(byJob(parked.jobId)).toEqual([['cancelled', { webhook: '' }]]);
    expect(byJob(unwatched.jobId)).toEqual([]);
    expect(queued).toHaveLength(4);
    expect(kindsOf(await logOf('quiet'), unwatched.jobId)).toEqual([
      'pending',
      'processing',
      'completed',
    ]);
  });

  it('carries the message of a structured failure, cut at a character boundary when it is long', async () => {
    const queue = await boot(1);
    const webhook = { url: 'https://hooks.example/acme', events: ['failed' as const] };
    const short = await queue.submit({
      ...custom('fail-with-details', { tag: 'bad "input" \\ here ✓', value: { urls: ['x'] } }),
      webhook,
    });
    // 1 + 2 × 3000 bytes: the bound falls inside an "é".
    const long = await queue.submit({
      ...custom('fail-with-details', { tag: `x${'é'.repeat(3000)}` }),
      webhook,
    });
    // A message ending in half of a surrogate pair, which Redis's JSON decoder refuses.
    const broken = await queue.submit({
      ...custom('fail-with-details', { tag: 'cut 😀'.slice(0, -1) }),
      webhook,
    });
    await ended(queue, short.jobId, 'Failed');
    await ended(queue, long.jobId, 'Failed');
    await ended(queue, broken.jobId, 'Failed');

    const errorOf = async (jobId: string) =>
      (await outbox()).find((q) => q.event.job === jobId)?.fields[OUTBOX_FIELDS.error];
    // The same text as the job's last error (decoded from its stored failure).
    const view = await queue.getJob(short.jobId);
    expect(view.lastErrorCode).toBe('test_details');
    expect(await errorOf(short.jobId)).toBe(view.lastError);
    expect(view.lastError).toBe('bad "input" \\ here ✓');
    const cut = await errorOf(long.jobId);
    expect(Buffer.byteLength(cut!)).toBe(WEBHOOK_ERROR_MAX_BYTES - 1);
    expect(cut).toBe(`x${'é'.repeat((WEBHOOK_ERROR_MAX_BYTES - 2) / 2)}`);
    expect(cut).toBe(boundWebhookError((await queue.getJob(long.jobId)).lastError!));
    expect((await queue.getJob(broken.jobId)).lastError).toBe('cut \uFFFD');
    expect(await errorOf(broken.jobId)).toBe('cut \uFFFD');
  });

  it('queues every webhook kind of a job whose hash an earlier version wrote, leaving its URL to the dispatcher', async () => {
    const queue = await boot(0);
    const { jobId } = await queue.submit({
      ...custom('echo'),
      webhook: { url: 'https://hooks.example/acme', events: ['completed'] },
    });
    const key = `${prefix}:jobs:${jobId}`;
    expect(await redis.hgetall(key)).toMatchObject({
      rt_webhook: ',completed,',
      rt_webhook_url: 'https://hooks.example/acme',
    });
    await redis.hset(key, 'rt_webhook', '1');
    await redis.hdel(key, 'rt_webhook_url');
    await queue.cancel(jobId);
    const queued = await outbox();
    // "cancelled" is not one of its webhook's kinds, but "1" stood for all of them.
    expect(queued.map((q) => [q.event.event, q.fields])).toEqual([['cancelled', {}]]);
  });
});
