import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { findFreePort } from '@riptide/host';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix, waitFor } from '@riptide/testing';
import { declareHandledJobTypes } from '@riptide/queue/testing';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { bootApi, spawnApi, testEnv, waitForExit } from './test-app.util';

const redisUrl = testRedisUrl();
const ADMIN_KEY = `admin-${randomBytes(24).toString('hex')}`;
const job = (n = 0) => ({ job_type: { type: 'custom', job_name: 'noop', payload: { n } } });
const schedule = {
  name: 'nightly',
  cron_expression: '0 3 * * *',
  job_template: { type: 'custom', job_name: 'nightly' },
};

describe('Abuse limits: rate limits, quotas, priorities, idempotency, bulk (keys mode, real Redis, real HTTP)', () => {
  let app: NestFastifyApplication;
  let prefix: string;
  let second: ReturnType<typeof spawnApi>;
  let secondUrl: string;
  const http = () => request(app.getHttpServer());
  const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

  async function createKey(
    limits: Record<string, unknown> = {},
    tenant = `t${randomBytes(3).toString('hex')}`,
  ): Promise<string> {
    const { body } = await http()
      .post('/admin/keys')
      .set(bearer(ADMIN_KEY))
      .send({
        name: 'client',
        tenant,
        scopes: ['jobs:write', 'jobs:read', 'schedules:write', 'schedules:read'],
        ...limits,
      })
      .expect(201);
    return body.key;
  }

  beforeAll(async () => {
    prefix = uniquePrefix('limits');
    // The custom types of the jobs and schedules below: a worker elsewhere handles them.
    await declareHandledJobTypes(redisUrl, prefix, ['custom:noop', 'custom:nightly']);
    // No workers: submitted jobs stay unfinished, which the quota counts.
    const env = testEnv(prefix, {
      RIPTIDE_ADMIN_KEY: ADMIN_KEY,
      WORKER_POOL_SIZE: '0',
      RATE_LIMIT_PER_SEC: '1',
      RATE_LIMIT_BURST: '5',
    });
    app = await bootApi(redisUrl, env);
    const port = await findFreePort();
    second = spawnApi({ ...env, REDIS_URL: redisUrl, HOST: '127.0.0.1', PORT: String(port) });
    secondUrl = `http://127.0.0.1:${port}`;
    await waitFor(
      () =>
        request(secondUrl)
          .get('/health/live')
          .then(
            (r) => r.status,
            () => 0,
          ),
      (status) => status === 200,
      { timeoutMs: 20000, what: 'the second API process' },
    );
  }, 40000);

  afterAll(async () => {
    second.child.kill('SIGTERM');
    await waitForExit(second.child);
    await app.close();
    await deleteKeysWithPrefix(redisUrl, prefix);
  });

  it('spends one budget per key across API processes, then answers 429 with Retry-After and RateLimit headers', async () => {
    const key = await createKey();
    for (let i = 0; i < 5; i++) {
      const accepted = await request(i % 2 ? secondUrl : app.getHttpServer())
        .post('/workers/jobs')
        .set(bearer(key))
        .send(job(i))
        .expect(200);
      expect(accepted.headers['ratelimit-limit']).toBe('5');
      expect(Number(accepted.headers['ratelimit-remaining'])).toBeLessThanOrEqual(4 - i + 1);
    }
    const refused = await request(secondUrl)
      .post('/workers/jobs')
      .set(bearer(key))
      .send(job(5))
      .expect(429);
    expect(refused.body).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: expect.stringContaining('Rate limit exceeded'),
    });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    expect(Number(refused.headers['ratelimit-reset'])).toBeGreaterThanOrEqual(1);
    await http().post('/workers/jobs').set(bearer(key)).send(job(6)).expect(429);
    // Only what was accepted exists.
    expect((await http().get('/workers/jobs').set(bearer(key)).expect(200)).body.total).toBe(5);
    // Another key has its own budget; a key's own limit overrides the default; the admin has none.
    await http()
      .post('/workers/jobs')
      .set(bearer(await createKey()))
      .send(job())
      .expect(200);
    const generous = await createKey({ rate_limit_per_sec: 1000, burst: 1000 });
    for (let i = 0; i < 8; i++)
      await http().post('/workers/jobs').set(bearer(generous)).send(job(i)).expect(200);
    for (let i = 0; i < 8; i++)
      await http().post('/workers/jobs').set(bearer(ADMIN_KEY)).send(job(i)).expect(200);
  });

  it("lets an API process lease a busy key's tokens: one bucket step per lease, one budget across processes", async () => {
    // 20 a second: leases of 2 tokens (a tenth of the rate).
    const { body: created } = await http()
      .post('/admin/keys')
      .set(bearer(ADMIN_KEY))
      .send({
        name: 'busy',
        tenant: 'busy',
        scopes: ['jobs:write'],
        rate_limit_per_sec: 20,
        burst: 20,
      })
      .expect(201);
    const key: string = created.key;
    const redis = new Redis(redisUrl);
    try {
      const bucketTokens = async () =>
        Number(await redis.hget(`${prefix}:auth:bucket:${created.id}`, 'tokens'));
      await http().post('/workers/jobs').set(bearer(key)).send(job(0)).expect(200);
      expect(await bucketTokens()).toBe(18);
      // The second submission spends the lease's other token: the shared bucket is not touched.
      const second = await http().post('/workers/jobs').set(bearer(key)).send(job(1)).expect(200);
      expect(await bucketTokens()).toBe(18);
      expect(second.headers['ratelimit-remaining']).toBe('18');

      // Both processes spend the one budget: the burst, what it refilled meanwhile and at most one
      // lease per process beyond it, never more.
      const started = Date.now();
      const statuses: number[] = [];
      let refusal: request.Response | undefined;
      for (let i = 0; i < 40; i++) {
        const answer = await request(i % 2 ? secondUrl : app.getHttpServer())
          .post('/workers/jobs')
          .set(bearer(key))
          .send(job(i));
        statuses.push(answer.status);
        if (answer.status === 429) refusal ??= answer;
      }
      const elapsedSecs = (Date.now() - started) / 1000;
      const accepted = 2 + statuses.filter((status) => status === 200).length;
      expect(statuses.every((status) => status === 200 || status === 429)).toBe(true);
      expect(accepted).toBeLessThanOrEqual(20 + 2 * 2 + Math.ceil(20 * elapsedSecs));
      expect(accepted).toBeGreaterThanOrEqual(20 - 2 * 2);
      expect(refusal).toBeDefined();
      expect(Number(refusal!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(refusal!.headers['ratelimit-remaining']).toBe('0');
    } finally {
      redis.disconnect();
    }
  });

  it("refuses submissions beyond the tenant's unfinished-jobs quota, naming it, and accepts again once one ends", async () => {
    const key = await createKey({ max_active_jobs: 2 });
    const first = await http().post('/workers/jobs').set(bearer(key)).send(job(1)).expect(200);
    await http().post('/workers/jobs').set(bearer(key)).send(job(2)).expect(200);
    const refused = await http().post('/workers/jobs').set(bearer(key)).send(job(3)).expect(429);
    expect(refused.body.message).toMatch(/quota/);
    expect(refused.body.message).toMatch(/unfinished/);
    await http().delete(`/workers/jobs/${first.body.job_id}`).set(bearer(key)).expect(200);
    await http().post('/workers/jobs').set(bearer(key)).send(job(4)).expect(200);
  });

  it("refuses schedules beyond the tenant's quota with 409", async () => {
    const key = await createKey({ max_schedules: 1 });
    await http().post('/workers/schedule').set(bearer(key)).send(schedule).expect(200);
    const refused = await http()
      .post('/workers/schedule')
      .set(bearer(key))
      .send(schedule)
      .expect(409);
    expect(refused.body.message).toMatch(/quota/);
    // Another tenant is not affected.
    await http()
      .post('/workers/schedule')
      .set(bearer(await createKey({ max_schedules: 1 })))
      .send(schedule)
      .expect(200);
  });

  it("refuses a priority above the key's max_priority (default High) with 403", async () => {
    const key = await createKey();
    await http()
      .post('/workers/jobs')
      .set(bearer(key))
      .send({ ...job(), priority: 'high' })
      .expect(200);
    const refused = await http()
      .post('/workers/jobs')
      .set(bearer(key))
      .send({ ...job(), priority: 'Critical' })
      .expect(403);
    expect(refused.body.message).toBe("priority Critical is above this key's max_priority (High)");
    const modest = await createKey({ max_priority: 'Normal' });
    await http()
      .post('/workers/jobs')
      .set(bearer(modest))
      .send({ ...job(), priority: 'High' })
      .expect(403);
    await http()
      .post('/workers/schedule')
      .set(bearer(modest))
      .send({ ...schedule, priority: 'High' })
      .expect(403);
    await http()
      .post('/workers/jobs')
      .set(bearer(ADMIN_KEY))
      .send({ ...job(), priority: 'Critical' })
      .expect(200);
  });

  describe('Idempotency-Key', () => {
    it('replays the first answer to a repeat and refuses the key with another body (422)', async () => {
      const key = await createKey({ rate_limit_per_sec: 1000, burst: 1000 });
      const first = await http()
        .post('/workers/jobs')
        .set(bearer(key))
        .set('Idempotency-Key', 'order-42')
        .send(job(42))
        .expect(200);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const again = await http()
        .post('/workers/jobs')
        .set(bearer(key))
        .set('Idempotency-Key', 'order-42')
        .send(job(42))
        .expect(200);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      const other = await http()
        .post('/workers/jobs')
        .set(bearer(key))
        .set('Idempotency-Key', 'order-42')
        .send(job(43))
        .expect(422);
      expect(other.body.message).toMatch(
        /Idempotency-Key was already used with a different request/,
      );
      await http()
        .post('/workers/jobs')
        .set(bearer(key))
        .set('Idempotency-Key', 'x'.repeat(256))
        .send(job())
        .expect(400);
      expect((await http().get('/workers/jobs').set(bearer(key)).expect(200)).body.total).toBe(1);
      // Keys are per tenant: another tenant's same key is its own request.
      const stranger = await createKey();
      const theirs = await http()
        .post('/workers/jobs')
        .set(bearer(stranger))
        .set('Idempotency-Key', 'order-42')
        .send(job(42))
        .expect(200);
      expect(theirs.body.job_id).not.toBe(first.body.job_id);
    });

    it('makes 20 concurrent identical requests one job with 20 identical answers', async () => {
      const key = await createKey({ rate_limit_per_sec: 1000, burst: 1000 });
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          request(i % 2 ? secondUrl : app.getHttpServer())
            .post('/workers/jobs')
            .set(bearer(key))
            .set('Idempotency-Key', 'burst-1')
            .send(job(7)),
        ),
      );
      expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
      expect(new Set(answers.map((answer) => JSON.stringify(answer.body))).size).toBe(1);
      expect(
        answers.filter((answer) => answer.headers['idempotent-replayed'] === 'true'),
      ).toHaveLength(19);
      expect((await http().get('/workers/jobs').set(bearer(key)).expect(200)).body.total).toBe(1);
    });

    it('creates one schedule for repeated keyed requests', async () => {
      const key = await createKey();
      const first = await http()
        .post('/workers/schedule')
        .set(bearer(key))
        .set('Idempotency-Key', 'sched-1')
        .send(schedule)
        .expect(200);
      const again = await http()
        .post('/workers/schedule')
        .set(bearer(key))
        .set('Idempotency-Key', 'sched-1')
        .send(schedule)
        .expect(200);
      expect(again.body).toEqual(first.body);
      expect(
        (await http().get('/workers/schedule').set(bearer(key)).expect(200)).body,
      ).toHaveLength(1);
    });
  });

  describe('POST /workers/jobs/bulk', () => {
    it('submits the good items and answers each bad one with its own error, in input order', async () => {
      const key = await createKey({ rate_limit_per_sec: 1000, burst: 1000 });
      const { body } = await http()
        .post('/workers/jobs/bulk')
        .set(bearer(key))
        .send({
          jobs: [
            job(1),
            { ...job(2), priority: 'urgent' },
            { job_type: { type: 'maintenance', task_type: 'cleanup' } },
            { ...job(3), surprise: true },
            job(4),
          ],
        })
        .expect(200);
      expect(body).toEqual({
        submitted: 2,
        failed: 3,
        jobs: [
          { index: 0, job_id: expect.any(String), status: 'submitted' },
          {
            index: 1,
            error: {
              statusCode: 400,
              error: 'Bad Request',
              message: ['priority must be one of: Low, Normal, High, Critical'],
            },
          },
          {
            index: 2,
            error: {
              statusCode: 403,
              error: 'Forbidden',
              message: 'Maintenance jobs need a key with the admin scope',
            },
          },
          {
            index: 3,
            error: {
              statusCode: 400,
              error: 'Bad Request',
              message: ['property surprise should not exist'],
            },
          },
          { index: 4, job_id: expect.any(String), status: 'submitted' },
        ],
      });
      const listed = (await http().get('/workers/jobs').set(bearer(key)).expect(200)).body;
      expect(listed.jobs.map((j: { job_id: string }) => j.job_id).sort()).toEqual(
        [body.jobs[0].job_id, body.jobs[4].job_id].sort(),
      );
      expect(
        (await http().get(`/workers/jobs/${body.jobs[4].job_id}`).set(bearer(key)).expect(200)).body
          .job_type,
      ).toEqual(job(4).job_type);
    });

    it('takes each item from the rate budget: items beyond it get 429, the rest go in', async () => {
      const key = await createKey({ burst: 3, rate_limit_per_sec: 1 });
      const answer = await http()
        .post('/workers/jobs/bulk')
        .set(bearer(key))
        .send({ jobs: [job(1), job(2), job(3), job(4), job(5)] })
        .expect(200);
      expect(answer.body.submitted).toBe(3);
      expect(
        answer.body.jobs
          .slice(3)
          .map((item: { error: { statusCode: number } }) => item.error.statusCode),
      ).toEqual([429, 429]);
      expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      await http()
        .post('/workers/jobs/bulk')
        .set(bearer(key))
        .send({ jobs: [job(6)] })
        .expect(429);
    });

    it('refuses a body that is not a list of 1 to 1000 objects', async () => {
      const key = await createKey();
      await http().post('/workers/jobs/bulk').set(bearer(key)).send({ jobs: [] }).expect(400);
      await http()
        .post('/workers/jobs/bulk')
        .set(bearer(key))
        .send({ jobs: Array(1001).fill(job()) })
        .expect(400);
      await http()
        .post('/workers/jobs/bulk')
        .set(bearer(key))
        .send({ jobs: [1, 'two'] })
        .expect(400);
      await http().post('/workers/jobs/bulk').set(bearer(key)).send(job()).expect(400);
    });

    it('replays a keyed bulk request without submitting again', async () => {
      const key = await createKey({ rate_limit_per_sec: 1000, burst: 1000 });
      const first = await http()
        .post('/workers/jobs/bulk')
        .set(bearer(key))
        .set('Idempotency-Key', 'bulk-1')
        .send({ jobs: [job(1), job(2)] })
        .expect(200);
      const again = await http()
        .post('/workers/jobs/bulk')
        .set(bearer(key))
        .set('Idempotency-Key', 'bulk-1')
        .send({ jobs: [job(1), job(2)] })
        .expect(200);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect((await http().get('/workers/jobs').set(bearer(key)).expect(200)).body.total).toBe(2);
    });
  });
});
