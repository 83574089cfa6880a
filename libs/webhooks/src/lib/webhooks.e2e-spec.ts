import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type Redis from 'ioredis';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  QueueModule,
  QueueService,
  RIPTIDE_QUEUE_NAME,
  WebhookEventKind,
  compareJobEventIds,
} from '@riptide/queue';
import {
  connectTestRedis,
  deleteKeysWithPrefix,
  testRedisUrl,
  uniquePrefix,
  waitFor,
} from '@riptide/testing';
import { TestJobHandlersModule } from '@riptide/queue/testing';
import { startWebhookReceiver, WebhookReceiver } from '../testing';
import { WebhookDeliveries } from './delivery/webhook-deliveries.service';
import { WebhookDeliveryWorker } from './delivery/webhook-delivery-worker.service';
import { retireConsumer } from './dispatch/outbox-consumer.util';
import { OUTBOX_GROUP } from './dispatch/webhook-dispatcher.service';
import { WebhookSubscriptionLimitError } from './errors/webhook-subscription-limit.error';
import { WebhookSubscriptionNotFoundError } from './errors/webhook-subscription-not-found.error';
import { WebhookKeys } from './redis/webhook-keys';
import { WebhookSecrets } from './secrets/webhook-secrets.service';
import { verifySignature } from './signing/webhook-signature.util';
import { WebhookSubscriptions } from './subscriptions/webhook-subscriptions.service';
import { WebhookTargets } from './webhook-targets.service';
import { WebhooksModuleOptions } from './webhooks-options.interface';
import { WEBHOOKS_REDIS } from './webhooks.constants';
import { WebhooksModule } from './webhooks.module';

const url = testRedisUrl();

/**
 * The dispatcher and the deliveries on a real Redis, a real bull queue and a real HTTP receiver
 * on 127.0.0.1. Most outbox entries are written here as the queue's scripts write them (field
 * `e`, the event JSON with its id, and the OUTBOX_FIELDS a case gives), so each case controls its
 * events; an entry of the event alone is what an earlier version wrote, which makes the dispatcher
 * read the job. The cases that run jobs get the entries the scripts write.
 */
describe('WebhooksModule (real Redis, real receiver)', () => {
  let prefix: string;
  let redis: Redis;
  let keys: WebhookKeys;
  const apps: INestApplicationContext[] = [];
  const receivers: WebhookReceiver[] = [];
  let seq = 0;

  async function boot(options: Partial<WebhooksModuleOptions> = {}) {
    const moduleRef = await Test.createTestingModule({
      imports: [
        QueueModule.forRoot({ isGlobal: true, redisUrl: url, prefix, worker: { poolSize: 0 } }),
        WebhooksModule.forRoot({
          redisUrl: url,
          prefix,
          dispatch: true,
          allowPrivateNetworks: true,
          maxAttempts: 3,
          backoffBaseMs: 100,
          blockMs: 100,
          claimIdleMs: 300,
          ...options,
        }),
      ],
    }).compile();
    const app = await moduleRef.init();
    apps.push(app);
    return {
      app,
      queue: app.get(QueueService),
      secrets: app.get(WebhookSecrets),
      subscriptions: app.get(WebhookSubscriptions),
      deliveries: app.get(WebhookDeliveries),
    };
  }

  async function receiver(options: Parameters<typeof startWebhookReceiver>[0] = {}) {
    const started = await startWebhookReceiver(options);
    receivers.push(started);
    return started;
  }

  /**
   * A job event as the queue's scripts put it in the outbox; returns the event id. Without
   * `fields`, as an earlier version wrote it: the event alone.
   */
  async function emit(
    jobId: string,
    event: WebhookEventKind,
    more: {
      tenant?: string;
      name?: string;
      status?: string;
      progress?: unknown;
      id?: string;
      fields?: Record<string, string>;
    } = {},
  ): Promise<string> {
    const id = more.id ?? `${1733250000000 + seq++}-0`;
    await redis.xadd(
      keys.eventOutbox,
      '*',
      ...Object.entries(more.fields ?? {}).flat(),
      'e',
      JSON.stringify({
        id,
        job: jobId,
        tenant: more.tenant ?? 'default',
        name: more.name ?? 'single_crawl',
        status: more.status ?? 'Completed',
        event,
        at: 1733250000000,
        ...(event === 'progress' ? { progress: more.progress } : {}),
      }),
    );
    return id;
  }

  async function submitWithWebhook(queue: QueueService, hook: string, events?: WebhookEventKind[]) {
    const { jobId } = await queue.submit({
      jobType: { type: 'single_crawl', url: 'https://example.com/' },
      webhook: { url: hook, events },
    });
    return jobId;
  }

  /** The queue with one worker running the test job handlers, and the webhooks. */
  async function bootWithWorker(options: Partial<WebhooksModuleOptions> = {}) {
    const moduleRef = await Test.createTestingModule({
      imports: [
        QueueModule.forRoot({ isGlobal: true, redisUrl: url, prefix, worker: { poolSize: 1 } }),
        TestJobHandlersModule.register({ redisUrl: url, prefix }),
        WebhooksModule.forRoot({
          redisUrl: url,
          prefix,
          dispatch: true,
          allowPrivateNetworks: true,
          backoffBaseMs: 100,
          blockMs: 100,
          ...options,
        }),
      ],
    }).compile();
    const app = await moduleRef.init();
    apps.push(app);
    return { app, queue: app.get(QueueService) };
  }

  /** The names of the outbox group's consumers. */
  async function consumers(): Promise<string[]> {
    const reply = (await redis.xinfo('CONSUMERS', keys.eventOutbox, OUTBOX_GROUP)) as string[][];
    return reply.map((consumer) => consumer[1]);
  }

  const finished = (queue: QueueService, jobId: string) =>
    waitFor(
      () => queue.getJob(jobId).then((job) => job.status),
      (status) => status === 'Completed',
      { what: `job ${jobId} to complete` },
    );

  beforeEach(async () => {
    prefix = uniquePrefix('hooks');
    keys = new WebhookKeys(prefix, RIPTIDE_QUEUE_NAME);
    redis = connectTestRedis(url);
  });

  afterEach(async () => {
    while (apps.length) await apps.pop()!.close();
    while (receivers.length) await receivers.pop()!.close();
    await deleteKeysWithPrefix(url, prefix);
    redis.disconnect();
  });

  it('delivers a signed event that verifies with the tenant secret and not with another', async () => {
    const { queue, secrets, deliveries } = await boot();
    const hook = await receiver();
    const jobId = await submitWithWebhook(queue, hook.url);
    expect(await redis.hget(`${prefix}:jobs:${jobId}`, 'rt_webhook')).toBe(
      ',completed,failed,dead_letter,cancelled,',
    );
    const eventId = await emit(jobId, 'completed');
    await waitFor(
      () => hook.received.length,
      (n) => n === 1,
      { what: 'the delivery' },
    );
    const [request] = hook.received;
    const { secret } = await secrets.ensure('default');
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'RipTide-Webhooks/1.0',
      'riptide-event-id': eventId,
      'riptide-event': 'job.completed',
    });
    expect(JSON.parse(request.body)).toEqual({
      id: eventId,
      type: 'job.completed',
      created_at: new Date(1733250000000).toISOString(),
      data: { job_id: jobId, job_type: { type: 'single_crawl' }, status: 'Completed' },
    });
    const signature = String(request.headers['riptide-signature']);
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(signature, request.body, secret)).toBe(true);
    expect(verifySignature(signature, request.body, `${secret}x`)).toBe(false);
    await waitFor(
      () => deliveries.list(jobId),
      (list) => list.length === 1,
    );
    expect(await deliveries.list(jobId)).toEqual([
      {
        eventId,
        event: 'completed',
        url: hook.url,
        target: 'job',
        attempt: 1,
        statusCode: 200,
        errorCode: null,
        at: expect.any(Date),
        outcome: 'delivered',
      },
    ]);
    // Handled entries leave the outbox.
    await waitFor(
      () => redis.xlen(keys.eventOutbox),
      (n) => n === 0,
    );
  });

  it('retries after two 500s and delivers on the third attempt, every attempt on the job', async () => {
    const { queue, deliveries } = await boot();
    const hook = await receiver({ answer: (n) => (n < 2 ? 500 : 200) });
    const jobId = await submitWithWebhook(queue, hook.url);
    const eventId = await emit(jobId, 'failed', { status: 'Failed' });
    const list = await waitFor(
      () => deliveries.list(jobId),
      (attempts) => attempts.length === 3,
      { what: 'three attempts' },
    );
    expect(list.map((a) => [a.eventId, a.attempt, a.statusCode, a.errorCode, a.outcome])).toEqual([
      [eventId, 1, 500, 'http_status', 'retrying'],
      [eventId, 2, 500, 'http_status', 'retrying'],
      [eventId, 3, 200, null, 'delivered'],
    ]);
    expect(hook.received.map((r) => r.status)).toEqual([500, 500, 200]);
    // The same bytes every time; the failed event carries the job's last error (none yet here).
    expect(new Set(hook.received.map((r) => r.body)).size).toBe(1);
    expect(JSON.parse(hook.accepted[0]).data).toEqual({
      job_id: jobId,
      job_type: { type: 'single_crawl' },
      status: 'Failed',
      error: null,
    });
  });

  it('ends a delivery that always fails dead-lettered, visible on the job and in the failed set', async () => {
    const { app, queue, deliveries } = await boot();
    const hook = await receiver({ answer: () => 503 });
    const jobId = await submitWithWebhook(queue, hook.url, ['dead_letter']);
    const eventId = await emit(jobId, 'dead_letter', { status: 'DeadLetter' });
    const list = await waitFor(
      () => deliveries.list(jobId),
      (attempts) => attempts.some((a) => a.outcome === 'dead_letter'),
      { what: 'the dead letter' },
    );
    expect(list.map((a) => [a.attempt, a.statusCode, a.outcome])).toEqual([
      [1, 503, 'retrying'],
      [2, 503, 'retrying'],
      [3, 503, 'dead_letter'],
    ]);
    const worker = app.get(WebhookDeliveryWorker);
    const failed = await worker.queue!.getFailed();
    expect(failed.map((job) => job.id)).toEqual([`default:${eventId}:job`]);
  });

  it('counts a redirect and a receiver that does not answer in time as failed attempts', async () => {
    const { queue, deliveries } = await boot({ maxAttempts: 1, timeoutMs: 300 });
    const redirecting = await receiver({ answer: () => 302 });
    const jobId = await submitWithWebhook(queue, redirecting.url);
    await emit(jobId, 'completed');
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const slowJob = await submitWithWebhook(queue, `http://127.0.0.1:${port}/hooks`);
      await emit(slowJob, 'completed');
      const [redirected] = await waitFor(
        () => deliveries.list(jobId),
        (list) => list.length === 1,
      );
      expect([redirected.statusCode, redirected.errorCode, redirected.outcome]).toEqual([
        302,
        'redirect',
        'dead_letter',
      ]);
      const [timedOut] = await waitFor(
        () => deliveries.list(slowJob),
        (list) => list.length === 1,
        { what: 'the timed-out attempt' },
      );
      expect([timedOut.statusCode, timedOut.errorCode, timedOut.outcome]).toEqual([
        null,
        'timeout',
        'dead_letter',
      ]);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("delivers two tenants' events that share an event id (each tenant's log numbers its own) to each", async () => {
    const { queue } = await boot();
    const hook = await receiver();
    const jobOf = async (tenant: string) =>
      (
        await queue.submit({
          jobType: { type: 'single_crawl', url: 'https://example.com/' },
          webhook: { url: hook.url, events: ['completed'] },
          tenant,
        })
      ).jobId;
    const [acme, globex] = [await jobOf('acme'), await jobOf('globex')];
    const id = '1733250000999-0';
    await emit(acme, 'completed', { id, tenant: 'acme' });
    await emit(globex, 'completed', { id, tenant: 'globex' });
    const received = await waitFor(
      () =>
        hook.received.map((r) => (JSON.parse(r.body) as { data: { job_id: string } }).data.job_id),
      (jobs) => jobs.length === 2,
      { what: 'both deliveries' },
    );
    expect(received.sort()).toEqual([acme, globex].sort());
  });

  it('never delivers one event twice to a target: not on a repeat, not across a dispatcher restart', async () => {
    const first = await boot();
    const hook = await receiver();
    const jobId = await submitWithWebhook(first.queue, hook.url);
    const eventId = await emit(jobId, 'completed');
    await waitFor(
      () => hook.received.length,
      (n) => n === 1,
    );
    // The same event again (what a crash between the add and the XACK amounts to): nothing sent.
    await emit(jobId, 'completed', { id: eventId });
    await waitFor(
      () => redis.xlen(keys.eventOutbox),
      (n) => n === 0,
    );
    await apps.pop()!.close();

    // An entry a dispatcher read and died holding: the next dispatcher takes it over.
    const held = await emit(jobId, 'cancelled', { status: 'Cancelled' });
    await redis.xreadgroup(
      'GROUP',
      OUTBOX_GROUP,
      'dead-consumer',
      'COUNT',
      1,
      'STREAMS',
      keys.eventOutbox,
      '>',
    );
    await emit(jobId, 'completed', { id: eventId });
    await boot({ consumerName: 'second' });
    await waitFor(
      () => hook.received.length,
      (n) => n === 2,
      { what: 'the held entry' },
    );
    await waitFor(
      () => redis.xlen(keys.eventOutbox),
      (n) => n === 0,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hook.received.map((r) => r.headers['riptide-event-id'])).toEqual([eventId, held]);
  });

  it('signs with both secrets during a rotation overlap, then with the new one only', async () => {
    const { queue, secrets } = await boot({ secretOverlapSecs: 60 });
    const hook = await receiver();
    const jobId = await submitWithWebhook(queue, hook.url);
    const { secret: old } = await secrets.ensure('default');
    const rotated = await secrets.rotate('default');
    expect(rotated.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(rotated.previousValidUntil!.getTime()).toBeGreaterThan(Date.now() + 55_000);
    await emit(jobId, 'completed');
    await waitFor(
      () => hook.received.length,
      (n) => n === 1,
    );
    const [request] = hook.received;
    const signature = String(request.headers['riptide-signature']);
    expect(signature.split(',')).toHaveLength(3);
    expect(verifySignature(signature, request.body, rotated.secret)).toBe(true);
    expect(verifySignature(signature, request.body, old)).toBe(true);
    // Past the overlap only the current secret signs.
    expect(await secrets.signingSecrets('default', Date.now() + 61_000)).toEqual([rotated.secret]);
  });

  it('keeps subscriptions per tenant, at most 20, and drops the hash with the last one', async () => {
    const { subscriptions } = await boot({ dispatch: false });
    const created = await subscriptions.create('acme', {
      url: 'https://hooks.example/acme',
      events: ['progress'],
      jobTypes: ['custom:report'],
    });
    expect(created).toEqual({
      id: expect.stringMatching(/^whsub_[A-Za-z0-9_-]{16}$/),
      url: 'https://hooks.example/acme',
      events: ['progress'],
      jobTypes: ['custom:report'],
      createdAt: expect.any(Date),
    });
    const plain = await subscriptions.create('acme', { url: 'https://hooks.example/b' });
    expect(plain.events).toEqual(['completed', 'failed', 'dead_letter', 'cancelled']);
    expect(plain.jobTypes).toBeNull();
    expect((await subscriptions.list('acme')).map((s) => s.id)).toEqual([created.id, plain.id]);
    expect(await subscriptions.list('globex')).toEqual([]);
    await expect(subscriptions.remove('globex', created.id)).rejects.toBeInstanceOf(
      WebhookSubscriptionNotFoundError,
    );
    for (let i = 2; i < 20; i++)
      await subscriptions.create('acme', { url: `https://hooks.example/${i}` });
    await expect(
      subscriptions.create('acme', { url: 'https://hooks.example/21' }),
    ).rejects.toBeInstanceOf(WebhookSubscriptionLimitError);
    for (const subscription of await subscriptions.list('acme'))
      await subscriptions.remove('acme', subscription.id);
    expect(await redis.exists(keys.subscriptions('acme'))).toBe(0);
  });

  it('sends a subscription only the events and job types it asked for', async () => {
    const { subscriptions } = await boot();
    const progressHook = await receiver();
    const everything = await receiver();
    await subscriptions.create('acme', { url: progressHook.url, events: ['progress'] });
    await subscriptions.create('acme', {
      url: everything.url,
      events: ['completed', 'progress'],
      jobTypes: ['custom:report'],
    });
    const jobId = '5a3f4c1e-0000-4000-8000-000000000001';
    await emit(jobId, 'progress', {
      tenant: 'acme',
      name: 'custom:report',
      status: 'Processing',
      progress: { percent: 50 },
    });
    await emit(jobId, 'completed', { tenant: 'acme', name: 'custom:report' });
    await emit(jobId, 'completed', { tenant: 'acme', name: 'single_crawl' });
    await emit(jobId, 'completed', { tenant: 'other', name: 'custom:report' });
    await waitFor(
      () => redis.xlen(keys.eventOutbox),
      (n) => n === 0,
    );
    await waitFor(
      () => everything.received.length,
      (n) => n === 2,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(progressHook.received.map((r) => JSON.parse(r.body).type)).toEqual(['job.progress']);
    expect(JSON.parse(progressHook.received[0].body).data).toEqual({
      job_id: jobId,
      job_type: { type: 'custom', job_name: 'report' },
      status: 'Processing',
      progress: { percent: 50 },
    });
    expect(everything.received.map((r) => JSON.parse(r.body).type)).toEqual([
      'job.progress',
      'job.completed',
    ]);
  });

  it("delivers a real job's events as the queue's scripts write them: retrying, progress, completed", async () => {
    const { app, queue } = await bootWithWorker();
    const own = await receiver();
    const progress = await receiver();
    await app.get(WebhookSubscriptions).create('default', {
      url: progress.url,
      events: ['progress'],
      jobTypes: ['custom:sleep'],
    });
    const flaky = await queue.submit({
      jobType: { type: 'custom', jobName: 'flaky', payload: { failures: 1 } },
      retryConfig: { initialDelaySecs: 0, useJitter: false },
      webhook: { url: own.url, events: ['retrying', 'completed', 'progress'] },
    });
    const sleeper = await queue.submit({
      jobType: { type: 'custom', jobName: 'sleep', payload: { ms: 50 } },
    });
    await waitFor(
      () => own.received.length,
      (n) => n === 2,
      { what: "the flaky job's events" },
    );
    await waitFor(
      () => progress.received.length,
      (n) => n === 1,
      { what: 'the progress event' },
    );
    const bodies = own.received.map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => [b.type, b.data.job_id, b.data.job_type, b.data.status])).toEqual([
      ['job.retrying', flaky.jobId, { type: 'custom', job_name: 'flaky' }, 'Retrying'],
      ['job.completed', flaky.jobId, { type: 'custom', job_name: 'flaky' }, 'Completed'],
    ]);
    // The event ids are those of the tenant's event log.
    const log = await redis.xrange(`${prefix}:jobs:rt:events:t:default`, '-', '+');
    const logged = log.map(([id]) => id);
    for (const body of bodies) expect(logged).toContain(body.id);
    expect(JSON.parse(progress.received[0].body)).toMatchObject({
      type: 'job.progress',
      data: {
        job_id: sleeper.jobId,
        job_type: { type: 'custom', job_name: 'sleep' },
        progress: 10,
      },
    });
    // The sleeper had no webhook and no subscription for its completion: nothing else was sent.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(progress.received).toHaveLength(1);
    expect(own.received).toHaveLength(2);
  });

  it('delivers from what the entry carries, without the job: its URL and the error of its event', async () => {
    await boot();
    const hook = await receiver();
    const quiet = await receiver();
    // No such job: the entry alone says where the job's webhook is and what went wrong.
    const jobId = '5a3f4c1e-0000-4000-8000-0000000000aa';
    const eventId = await emit(jobId, 'retrying', {
      status: 'Retrying',
      fields: { webhook: hook.url, error: 'attempt 1: connection reset' },
    });
    // A job whose webhook does not want the event: nothing for it.
    await emit(jobId, 'failed', { status: 'Failed', fields: { webhook: '' } });
    await waitFor(
      () => redis.xlen(keys.eventOutbox),
      (n) => n === 0,
    );
    await waitFor(
      () => hook.received.length,
      (n) => n === 1,
    );
    expect(JSON.parse(hook.received[0].body)).toEqual({
      id: eventId,
      type: 'job.retrying',
      created_at: new Date(1733250000000).toISOString(),
      data: {
        job_id: jobId,
        job_type: { type: 'single_crawl' },
        status: 'Retrying',
        error: 'attempt 1: connection reset',
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hook.received).toHaveLength(1);
    expect(quiet.received).toHaveLength(0);
  });

  it("reports in each retrying payload its own attempt's error, though dispatched after later attempts", async () => {
    const hook = await receiver();
    // Events are queued while no dispatcher runs.
    const { queue } = await bootWithWorker({ dispatch: false });
    const { jobId } = await queue.submit({
      jobType: { type: 'custom', jobName: 'flaky', payload: { failures: 2 } },
      retryConfig: { initialDelaySecs: 0, useJitter: false, maxAttempts: 3 },
      webhook: { url: hook.url, events: ['retrying', 'completed'] },
    });
    await finished(queue, jobId);
    expect((await queue.getJob(jobId)).lastError).toBe('flaky failure 2');
    expect(await redis.xlen(keys.eventOutbox)).toBe(3);

    await boot();
    await waitFor(
      () => hook.received.length,
      (n) => n === 3,
      { what: 'the three deliveries' },
    );
    const bodies = hook.received
      .map((r) => JSON.parse(r.body) as { id: string; type: string; data: { error?: string } })
      .sort((a, b) => compareJobEventIds(a.id, b.id));
    expect(bodies.map((b) => [b.type, b.data.error])).toEqual([
      ['job.retrying', 'flaky failure 1'],
      ['job.retrying', 'flaky failure 2'],
      ['job.completed', undefined],
    ]);
  });

  it('still delivers the webhook of a job whose hash an earlier version wrote (rt_webhook = 1)', async () => {
    const hook = await receiver();
    const { queue } = await boot();
    const jobId = await submitWithWebhook(queue, hook.url, ['completed']);
    const key = `${prefix}:jobs:${jobId}`;
    await redis.hset(key, 'rt_webhook', '1');
    await redis.hdel(key, 'rt_webhook_url');

    // A worker runs it now; the dispatcher reads the job for its webhook.
    const worker = await bootWithWorker({ dispatch: false });
    await finished(worker.queue, jobId);
    await waitFor(
      () => hook.received.length,
      (n) => n === 1,
      { what: 'the delivery' },
    );
    expect(JSON.parse(hook.received[0].body)).toMatchObject({
      type: 'job.completed',
      data: { job_id: jobId, job_type: { type: 'single_crawl' }, status: 'Completed' },
    });
    await waitFor(
      () => redis.xlen(keys.eventOutbox),
      (n) => n === 0,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hook.received).toHaveLength(1);
  });

  it('removes its consumer from the outbox group at shutdown when it holds nothing', async () => {
    const { queue } = await boot({ consumerName: 'short-lived' });
    const hook = await receiver();
    await emit(await submitWithWebhook(queue, hook.url), 'completed');
    await waitFor(
      () => redis.xlen(keys.eventOutbox),
      (n) => n === 0,
    );
    expect(await consumers()).toEqual(['short-lived']);
    await apps.pop()!.close();
    expect(await consumers()).toEqual([]);

    // Without Redis at shutdown the consumer stays, and the shutdown still completes.
    const second = await boot({ consumerName: 'cut-off' });
    await emit(await submitWithWebhook(second.queue, hook.url), 'completed');
    await waitFor(
      () => redis.xlen(keys.eventOutbox),
      (n) => n === 0,
    );
    expect(await consumers()).toEqual(['cut-off']);
    second.app.get<Redis>(WEBHOOKS_REDIS).disconnect();
    await apps.pop()!.close();
    expect(await consumers()).toEqual(['cut-off']);
  });

  it('deletes a consumer only when it holds no pending entry', async () => {
    await redis.xgroup('CREATE', keys.eventOutbox, OUTBOX_GROUP, '0', 'MKSTREAM');
    const id = (await redis.xadd(keys.eventOutbox, '*', 'e', '{}'))!;
    await redis.xreadgroup('GROUP', OUTBOX_GROUP, 'holder', 'STREAMS', keys.eventOutbox, '>');
    expect(await retireConsumer(redis, keys.eventOutbox, OUTBOX_GROUP, 'holder')).toBe('holding');
    expect(await consumers()).toEqual(['holder']);
    await redis.xack(keys.eventOutbox, OUTBOX_GROUP, id);
    expect(await retireConsumer(redis, keys.eventOutbox, OUTBOX_GROUP, 'holder')).toBe('retired');
    expect(await consumers()).toEqual([]);
    expect(await retireConsumer(redis, `${keys.eventOutbox}:none`, OUTBOX_GROUP, 'x')).toBe(
      'no_group',
    );
  });

  it('closes every connection it opened, even when closed right after boot', async () => {
    const connections = async () =>
      String(await redis.client('LIST'))
        .trim()
        .split('\n').length;
    const before = await connections();
    const { app } = await boot();
    expect(await connections()).toBeGreaterThan(before);
    await apps.pop()!.close();
    app.get(WebhookDeliveryWorker); // still resolvable: closing drops connections, not providers
    await waitFor(connections, (n) => n === before, { what: 'every connection closed' });
    // Nothing reconnects afterwards.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await connections()).toBe(before);
  });

  it('refuses loopback and private targets unless private networks are allowed', async () => {
    const { app } = await boot({ dispatch: false, allowPrivateNetworks: false });
    const targets = app.get(WebhookTargets);
    const refused =
      'must not point at a private, loopback or link-local address (CRAWL_ALLOW_PRIVATE_NETWORKS)';
    expect(await targets.problem('http://127.0.0.1:9/hooks')).toBe(refused);
    expect(await targets.problem('http://[::1]/hooks')).toBe(refused);
    expect(await targets.problem('http://10.1.2.3/hooks')).toBe(refused);
    expect(await targets.problem('http://localhost/hooks')).toBe(refused);
    expect(await targets.problem('https://93.184.215.14/hooks')).toBeNull();
    const open = await boot({ dispatch: false, allowPrivateNetworks: true });
    expect(await open.app.get(WebhookTargets).problem('http://127.0.0.1:9/hooks')).toBeNull();
  });
});
