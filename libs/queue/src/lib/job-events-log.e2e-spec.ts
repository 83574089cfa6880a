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

  it('queues events for the webhook dispatcher only for jobs with a webhook or tenants with subscriptions', async () => {
    const queue = await boot(0);
    const unwatched = await queue.submit(custom('echo', {}, 'quiet'));
    await redis.hset(keys.webhookSubscriptions('watched'), 'sub-1', '{}');
    const watched = await queue.submit(custom('echo', {}, 'watched'));
    await queue.cancel(watched.jobId);

    const outbox = await redis.xrange(keys.eventOutbox, '-', '+');
    const queued = outbox.map(([, fields]) => parseJobEventRecord(fields[1])!);
    expect(queued.map((e) => [e.job, e.event])).toEqual([
      [watched.jobId, 'pending'],
      [watched.jobId, 'cancelled'],
    ]);
    // The outbox entry carries the id of the event in the tenant's log.
    expect(queued.map((e) => e.id)).toEqual((await logOf('watched')).map((e) => e.id));
    expect(kindsOf(await logOf('quiet'), unwatched.jobId)).toEqual(['pending']);
  });
});
