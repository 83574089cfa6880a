import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import {
  connectTestRedis,
  deleteKeysWithPrefix,
  testRedisUrl,
  uniquePrefix,
  waitFor,
} from '@riptide/testing';
import { verifySignature } from '@riptide/webhooks';
import { startWebhookReceiver, WebhookReceiver } from '@riptide/webhooks/testing';
import { bootApi, testEnv } from './test-app.util';

const redisUrl = testRedisUrl();
const ADMIN_KEY = `admin-${randomBytes(24).toString('hex')}`;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const SECRET = /^whsec_[A-Za-z0-9_-]{43}$/;
const PRIVATE_REFUSED =
  'must not point at a private, loopback or link-local address (CRAWL_ALLOW_PRIVATE_NETWORKS)';

/** A job that stays Pending: no worker of this host has its handler. */
const parkedJob = { job_type: { type: 'custom', job_name: 'parked' } };

describe('Webhooks over HTTP (booted host, keys mode, real Redis, real receiver)', () => {
  let app: NestFastifyApplication;
  let prefix: string;
  const receivers: WebhookReceiver[] = [];
  const http = () => request(app.getHttpServer());
  const as = (key: string) => ({
    get: (path: string) => http().get(path).set('Authorization', `Bearer ${key}`),
    post: (path: string, body?: object) =>
      http()
        .post(path)
        .set('Authorization', `Bearer ${key}`)
        .send(body ?? {}),
    delete: (path: string) => http().delete(path).set('Authorization', `Bearer ${key}`),
    patch: (path: string, body: object) =>
      http().patch(path).set('Authorization', `Bearer ${key}`).send(body),
  });

  async function keyFor(tenant: string): Promise<string> {
    const { body } = await as(ADMIN_KEY)
      .post('/admin/keys', {
        name: tenant,
        tenant,
        scopes: ['jobs:write', 'jobs:read', 'schedules:write', 'schedules:read'],
      })
      .expect(201);
    return body.key as string;
  }

  beforeAll(async () => {
    prefix = uniquePrefix('hooks-api');
    const redis = connectTestRedis(redisUrl);
    // The custom type is known to the queue, so submissions are accepted; no worker here runs it.
    await redis.sadd(`${prefix}:jobs:rt:handled-types`, 'custom:parked');
    redis.disconnect();
    app = await bootApi(
      redisUrl,
      testEnv(prefix, {
        RIPTIDE_ADMIN_KEY: ADMIN_KEY,
        WORKER_POOL_SIZE: '1',
        WEBHOOK_BACKOFF_BASE_MS: '100',
        WEBHOOK_MAX_ATTEMPTS: '3',
      }),
    );
  });

  afterAll(async () => {
    await app.close();
    while (receivers.length) await receivers.pop()!.close();
    await deleteKeysWithPrefix(redisUrl, prefix);
  });

  it('creates, lists and deletes subscriptions, each tenant seeing only its own', async () => {
    const acme = await keyFor('acme');
    const globex = await keyFor('globex');
    const first = await as(acme)
      .post('/workers/webhooks', { url: 'http://127.0.0.1:9/first' })
      .expect(201);
    expect(first.body).toEqual({
      id: expect.stringMatching(/^whsub_/),
      url: 'http://127.0.0.1:9/first',
      events: ['completed', 'failed', 'dead_letter', 'cancelled'],
      job_types: null,
      created_at: expect.stringMatching(ISO),
      secret: expect.stringMatching(SECRET),
    });
    const second = await as(acme)
      .post('/workers/webhooks', {
        url: 'http://127.0.0.1:9/second',
        events: ['progress'],
        job_types: ['custom:report', 'single_crawl'],
      })
      .expect(201);
    // The secret is shown by the call that created it, never again.
    expect(second.body.secret).toBeUndefined();
    expect(second.body.job_types).toEqual(['custom:report', 'single_crawl']);
    const listed = await as(acme).get('/workers/webhooks').expect(200);
    expect(listed.body.map((s: { id: string }) => s.id)).toEqual([first.body.id, second.body.id]);
    expect(listed.body[0].secret).toBeUndefined();
    expect((await as(globex).get('/workers/webhooks').expect(200)).body).toEqual([]);
    expect((await as(globex).delete(`/workers/webhooks/${first.body.id}`)).body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: `Webhook subscription ${first.body.id} not found`,
    });
    await as(acme).delete(`/workers/webhooks/${first.body.id}`).expect(204);
    await as(acme).delete(`/workers/webhooks/${first.body.id}`).expect(404);
    for (let i = 1; i < 20; i++)
      await as(acme)
        .post('/workers/webhooks', { url: `http://127.0.0.1:9/${i}` })
        .expect(201);
    expect(
      (await as(acme).post('/workers/webhooks', { url: 'http://127.0.0.1:9/x' })).body,
    ).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: 'A tenant may hold at most 20 webhook subscriptions; delete one first',
    });
  });

  it('refuses a bad subscription with every problem named', async () => {
    const key = await keyFor('badinput');
    const bad = await as(key)
      .post('/workers/webhooks', {
        url: 'ftp://hooks.example/',
        events: ['started'],
        job_types: ['nope'],
        extra: 1,
      })
      .expect(400);
    expect(bad.body.message).toEqual(
      expect.arrayContaining([
        'events must each be one of: completed, failed, dead_letter, cancelled, retrying, progress',
        'job_types must each be one of: batch_crawl, single_crawl, pdf_extraction, maintenance, custom:<job_name>',
        'property extra should not exist',
      ]),
    );
    expect(
      (await as(key).post('/workers/webhooks', { url: 'ftp://hooks.example/' }).expect(400)).body
        .message,
    ).toEqual(['url must use http or https']);
  });

  it("gives a schedule's fired jobs its webhook, until a change removes it", async () => {
    const key = await keyFor('scheduled');
    const webhook = { url: 'http://127.0.0.1:9/scheduled', events: ['completed', 'progress'] };
    const created = await as(key)
      .post('/workers/schedule', {
        name: 'nightly',
        cron_expression: '0 3 * * *',
        job_template: parkedJob.job_type,
        webhook,
      })
      .expect(200);
    expect(created.body.webhook).toEqual(webhook);
    const fired = await as(key).post(`/workers/schedule/${created.body.id}/trigger`).expect(200);
    expect(
      (await as(key).get(`/workers/jobs/${fired.body.job_id}`).expect(200)).body.webhook,
    ).toEqual(webhook);
    const changed = await as(key)
      .patch(`/workers/schedule/${created.body.id}`, { webhook: null })
      .expect(200);
    expect(changed.body.webhook).toBeUndefined();
    const plain = await as(key).post(`/workers/schedule/${created.body.id}/trigger`).expect(200);
    expect(
      (await as(key).get(`/workers/jobs/${plain.body.job_id}`).expect(200)).body.webhook,
    ).toBeUndefined();
    const refused = await as(key)
      .patch(`/workers/schedule/${created.body.id}`, {
        webhook: { url: 'ftp://x.example/', events: [] },
      })
      .expect(400);
    expect(refused.body.message).toEqual(
      expect.arrayContaining(['webhook.events must contain at least 1 elements']),
    );
  });

  it('rotates the secret: the first call creates it, the next keeps the old one valid for the overlap', async () => {
    const key = await keyFor('rotor');
    const first = await as(key).post('/workers/webhooks/secret/rotate').expect(200);
    expect(first.body).toEqual({
      secret: expect.stringMatching(SECRET),
      previous_valid_until: null,
    });
    const before = Date.now();
    const second = await as(key).post('/workers/webhooks/secret/rotate').expect(200);
    expect(second.body.secret).not.toBe(first.body.secret);
    const until = Date.parse(second.body.previous_valid_until);
    expect(until).toBeGreaterThanOrEqual(before + 86400_000 - 1000);
    expect(until).toBeLessThanOrEqual(Date.now() + 86400_000);
  });

  it("keeps a job's webhook, shows it with its deliveries, and delivers signed, retried events", async () => {
    const key = await keyFor('hooked');
    const receiver = await startWebhookReceiver({ answer: (n) => (n === 0 ? 500 : 200) });
    receivers.push(receiver);
    const submitted = await as(key)
      .post('/workers/jobs', {
        ...parkedJob,
        webhook: { url: receiver.url, events: ['completed', 'cancelled'] },
      })
      .expect(200);
    const jobId = submitted.body.job_id as string;
    const status = await as(key).get(`/workers/jobs/${jobId}`).expect(200);
    expect(status.body.webhook).toEqual({ url: receiver.url, events: ['completed', 'cancelled'] });
    expect(status.body.webhook_deliveries).toEqual([]);
    const { secret } = (await as(key).post('/workers/webhooks/secret/rotate').expect(200)).body;

    // The cancel writes the job's `cancelled` event to the outbox in the same script.
    await as(key).delete(`/workers/jobs/${jobId}`).expect(200);
    const delivered = await waitFor(
      async () => (await as(key).get(`/workers/jobs/${jobId}`)).body.webhook_deliveries,
      (attempts: { outcome: string }[]) => attempts.some((a) => a.outcome === 'delivered'),
      { what: 'the delivery' },
    );
    expect(delivered).toEqual([
      {
        event_id: expect.any(String),
        event: 'cancelled',
        url: receiver.url,
        attempt: 1,
        status_code: 500,
        error_code: 'http_status',
        at: expect.stringMatching(ISO),
        outcome: 'retrying',
      },
      expect.objectContaining({
        attempt: 2,
        status_code: 200,
        error_code: null,
        outcome: 'delivered',
      }),
    ]);
    const last = receiver.received[1];
    expect(JSON.parse(last.body)).toMatchObject({
      type: 'job.cancelled',
      data: {
        job_id: jobId,
        job_type: { type: 'custom', job_name: 'parked' },
        status: 'Cancelled',
      },
    });
    // Signed with the tenant's secret: the old one (made at submission) and the rotated one.
    expect(verifySignature(String(last.headers['riptide-signature']), last.body, secret)).toBe(
      true,
    );
    // Another tenant's id answers like an unknown one, deliveries and all.
    const other = await keyFor('otherhooked');
    await as(other).get(`/workers/jobs/${jobId}`).expect(404);
  });
});

describe('Webhook targets without CRAWL_ALLOW_PRIVATE_NETWORKS (booted host)', () => {
  let app: NestFastifyApplication;
  let prefix: string;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    prefix = uniquePrefix('hooks-ssrf');
    const redis = connectTestRedis(redisUrl);
    await redis.sadd(`${prefix}:jobs:rt:handled-types`, 'custom:parked');
    redis.disconnect();
    app = await bootApi(
      redisUrl,
      testEnv(prefix, { WORKER_POOL_SIZE: '0', CRAWL_ALLOW_PRIVATE_NETWORKS: 'false' }),
    );
  });

  afterAll(async () => {
    await app.close();
    await deleteKeysWithPrefix(redisUrl, prefix);
  });

  it('refuses a webhook to a loopback or private address at submission, in bulk and as a subscription', async () => {
    const single = await http()
      .post('/workers/jobs')
      .send({ ...parkedJob, webhook: { url: 'http://127.0.0.1:8080/hook' } })
      .expect(400);
    expect(single.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: [`webhook.url ${PRIVATE_REFUSED}`],
    });
    const bulk = await http()
      .post('/workers/jobs/bulk')
      .send({
        jobs: [
          { ...parkedJob, webhook: { url: 'http://10.0.0.7/hook' } },
          { ...parkedJob, webhook: { url: 'http://localhost/hook', events: ['nope'] } },
        ],
      })
      .expect(200);
    expect(bulk.body).toEqual({
      submitted: 0,
      failed: 2,
      jobs: [
        {
          index: 0,
          error: {
            statusCode: 400,
            error: 'Bad Request',
            message: [`webhook.url ${PRIVATE_REFUSED}`],
          },
        },
        {
          index: 1,
          error: {
            statusCode: 400,
            error: 'Bad Request',
            message: expect.arrayContaining([
              'webhook.events must each be one of: completed, failed, dead_letter, cancelled, retrying, progress',
            ]),
          },
        },
      ],
    });
    expect(
      (await http().post('/workers/webhooks').send({ url: 'http://[::1]/hook' }).expect(400)).body
        .message,
    ).toEqual([`url ${PRIVATE_REFUSED}`]);
    const schedule = await http()
      .post('/workers/schedule')
      .send({
        name: 'nightly',
        cron_expression: '0 3 * * *',
        job_template: parkedJob.job_type,
        webhook: { url: 'http://192.168.1.20/hook' },
      })
      .expect(400);
    expect(schedule.body.message).toEqual([`webhook.url ${PRIVATE_REFUSED}`]);
  });
});
