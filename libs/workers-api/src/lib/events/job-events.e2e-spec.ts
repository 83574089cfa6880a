import { HttpAdapterHost } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { AuthModule } from '@riptide/auth';
import { QueueKeys, QueueModule, RIPTIDE_QUEUE_NAME } from '@riptide/queue';
import {
  connectTestRedis,
  deleteKeysWithPrefix,
  testRedisUrl,
  uniquePrefix,
  waitFor,
} from '@riptide/testing';
import { randomBytes } from 'node:crypto';
import type Redis from 'ioredis';
import request from 'supertest';
import { ApiExceptionFilter } from '../errors/api-exception.filter';
import { useApiErrorShapeForFastify } from '../http/configure-http';
import { WorkersApiModule } from '../workers-api.module';
import { WorkerProcess, startWorkerProcess } from '../../testing/metrics-test.util';
import { ReceivedEvent, SseClient } from '../../testing/sse-client.util';
import { ApiProcess, startApiProcess } from '../../testing/events-test.util';
import { EventStreamLimits } from './event-stream-limits.service';

const redisUrl = testRedisUrl();
const ADMIN_KEY = `admin-${randomBytes(24).toString('hex')}`;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const EVENT_ID = /^\d+-\d+$/;

const compareIds = (a: string, b: string) => {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return am - bm || as - bs;
};
const kindsOf = (events: ReceivedEvent[], jobId: string) =>
  events.filter((e) => e.data['job_id'] === jobId).map((e) => e.event);
const hasEvent = (jobId: string, kind: string) => (events: ReceivedEvent[]) =>
  events.some((e) => e.data['job_id'] === jobId && e.event === kind);

describe('Job event streams (SSE over Fastify, real Redis, a worker process)', () => {
  let app: NestFastifyApplication;
  let base: string;
  let prefix: string;
  let worker: WorkerProcess;
  let redis: Redis;
  let keys: QueueKeys;
  const clients: SseClient[] = [];
  const tenantKeys = { acme: '', globex: '' };

  const call = async (method: 'get' | 'post', path: string, key: string, body?: object) => {
    let test = request(app.getHttpServer())[method](path).set('Authorization', `Bearer ${key}`);
    if (body !== undefined) test = test.send(body);
    const response = await test;
    return { status: response.status, body: response.body as Record<string, unknown> };
  };
  const submit = async (key: string, jobName: string, payload: object = {}) => {
    const answer = await call('post', '/workers/jobs', key, {
      job_type: { type: 'custom', job_name: jobName, payload },
    });
    expect(answer.status).toBe(200);
    return answer.body['job_id'] as string;
  };
  const statusOf = async (key: string, jobId: string) =>
    (await call('get', `/workers/jobs/${jobId}`, key)).body['status'] as string;
  const sse = async (
    path: string,
    key: string | null,
    headers: Record<string, string> = {},
    at = base,
  ) => {
    const client = await SseClient.open(at + path, {
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
      ...headers,
    });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    prefix = uniquePrefix('sse');
    keys = new QueueKeys(prefix, RIPTIDE_QUEUE_NAME);
    redis = connectTestRedis(redisUrl);
    const moduleRef = await Test.createTestingModule({
      imports: [
        QueueModule.forRoot({ isGlobal: true, redisUrl, prefix, worker: { poolSize: 0 } }),
        AuthModule.forRoot({ isGlobal: true, mode: 'keys', adminKey: ADMIN_KEY, redisUrl, prefix }),
        WorkersApiModule.forRoot({
          events: true,
          sseMaxConnections: 8,
          sseMaxConnectionsPerKey: 3,
          sseKeepAliveMs: 300,
        }),
      ],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
      logger: ['error'],
    });
    app.useGlobalFilters(new ApiExceptionFilter(app.get(HttpAdapterHost)));
    useApiErrorShapeForFastify(app);
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    // The jobs run in a process of their own: every event reaches this API through Redis.
    worker = await startWorkerProcess({
      redisUrl,
      prefix,
      poolSize: 1,
      heartbeatIntervalMs: 1000,
      missedHeartbeats: 3,
    });
    for (const tenant of ['acme', 'globex'] as const) {
      const created = await call('post', '/admin/keys', ADMIN_KEY, {
        name: tenant,
        tenant,
        scopes: ['jobs:read', 'jobs:write'],
      });
      expect(created.status).toBe(201);
      tenantKeys[tenant] = created.body['key'] as string;
    }
  }, 90000);

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await waitFor(
      () => app.get(EventStreamLimits).open,
      (open) => open === 0,
      { what: 'every stream released', timeoutMs: 5000 },
    );
  });

  afterAll(async () => {
    await worker?.stop();
    await app?.close();
    redis?.disconnect();
    await deleteKeysWithPrefix(redisUrl, prefix);
  });

  it("a job's stream: its state, then processing, progress and completed, and the stream ends", async () => {
    // The one worker slot is busy, so the job is still Pending when the client connects.
    const blocker = await submit(tenantKeys.acme, 'sleep', { ms: 800 });
    await waitFor(
      () => statusOf(tenantKeys.acme, blocker),
      (s) => s === 'Processing',
      {
        what: 'the blocker running',
        timeoutMs: 10000,
      },
    );
    const jobId = await submit(tenantKeys.acme, 'sleep', { ms: 100 });
    const client = await sse(`/workers/jobs/${jobId}/events`, tenantKeys.acme);
    expect(client.status).toBe(200);
    expect(client.headers['content-type']).toBe('text/event-stream');
    expect(client.headers['cache-control']).toBe('no-cache');
    expect(client.headers['x-accel-buffering']).toBe('no');
    await client.until(hasEvent(jobId, 'completed'), 'the job completed', 15000);
    await client.ended;
    expect(client.events.map((e) => e.event)).toEqual([
      'state',
      'processing',
      'progress',
      'completed',
    ]);
    const [state, processing, progress, completed] = client.events;
    const jobType = { type: 'custom', job_name: 'sleep' };
    expect(state.data).toEqual({
      job_id: jobId,
      tenant: 'acme',
      job_type: jobType,
      status: 'Pending',
      event: 'state',
      at: expect.stringMatching(ISO),
      progress: 0,
    });
    expect(processing.data).toEqual({
      job_id: jobId,
      tenant: 'acme',
      job_type: jobType,
      status: 'Processing',
      event: 'processing',
      at: expect.stringMatching(ISO),
    });
    expect(progress.data).toEqual({
      ...processing.data,
      event: 'progress',
      at: expect.stringMatching(ISO),
      progress: 10,
    });
    expect(completed.data).toEqual({
      ...processing.data,
      status: 'Completed',
      event: 'completed',
      at: expect.stringMatching(ISO),
    });
    const ids = client.events.map((e) => e.id as string);
    ids.forEach((id) => expect(id).toMatch(EVENT_ID));
    expect([...ids].sort(compareIds)).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);

    // Resuming after `processing`: the rest of the job's events, none twice, then the end.
    const resumed = await sse(`/workers/jobs/${jobId}/events`, tenantKeys.acme, {
      'last-event-id': processing.id as string,
    });
    await resumed.ended;
    expect(resumed.events.map((e) => [e.id, e.event])).toEqual([
      [progress.id, 'progress'],
      [completed.id, 'completed'],
    ]);
    // After its last event: how it ended, and the end.
    const after = await sse(
      `/workers/jobs/${jobId}/events?last_event_id=${completed.id}`,
      tenantKeys.acme,
    );
    await after.ended;
    expect(after.events.map((e) => [e.event, e.data['status']])).toEqual([['state', 'Completed']]);

    // A client that comes after the end gets the end at once.
    const late = await sse(`/workers/jobs/${jobId}/events`, tenantKeys.acme);
    await late.ended;
    expect(late.events.map((e) => [e.event, e.data['status']])).toEqual([['state', 'Completed']]);
  }, 30000);

  it("a tenant's stream shows its jobs from pending to completed, and never another tenant's", async () => {
    const acme = await sse('/workers/events', tenantKeys.acme);
    const globex = await sse('/workers/events', tenantKeys.globex);
    // A non-admin key naming another tenant still gets its own.
    const sneaky = await sse('/workers/events?tenant=acme', tenantKeys.globex);
    const a = await submit(tenantKeys.acme, 'echo');
    const g = await submit(tenantKeys.globex, 'echo');
    await acme.until(hasEvent(a, 'completed'), 'acme job completed');
    await globex.until(hasEvent(g, 'completed'), 'globex job completed');
    await sneaky.until(hasEvent(g, 'completed'), 'globex job completed (sneaky)');
    expect(kindsOf(acme.events, a)).toEqual(['pending', 'processing', 'completed']);
    expect(kindsOf(globex.events, g)).toEqual(['pending', 'processing', 'completed']);
    expect(acme.events.every((e) => e.data['tenant'] === 'acme')).toBe(true);
    expect(globex.events.every((e) => e.data['tenant'] === 'globex')).toBe(true);
    expect(sneaky.events.every((e) => e.data['tenant'] === 'globex')).toBe(true);

    // Another tenant's job answers as an unknown one.
    const refused = await sse(`/workers/jobs/${a}/events`, tenantKeys.globex);
    expect(refused.status).toBe(404);
    expect(refused.headers['content-type']).toMatch(/^application\/json/);
    expect(await refused.json()).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: `Job ${a} not found`,
    });
  }, 30000);

  it('filters by status and job type; refuses bad filters, bad ids and an admin without tenant', async () => {
    const completedOnly = await sse('/workers/events?status=completed', tenantKeys.acme);
    const echoOnly = await sse('/workers/events?job_type=custom:echo', tenantKeys.acme);
    const admin = await sse('/workers/events?tenant=acme&status=Pending', ADMIN_KEY);
    expect(admin.status).toBe(200);
    const echo = await submit(tenantKeys.acme, 'echo');
    const sleep = await submit(tenantKeys.acme, 'sleep', { ms: 50 });
    await completedOnly.until(
      (events) => hasEvent(echo, 'completed')(events) && hasEvent(sleep, 'completed')(events),
      'both completed',
    );
    await echoOnly.until(hasEvent(echo, 'completed'), 'echo completed');
    await admin.until((events) => events.length >= 2, 'both pending');
    expect(completedOnly.events.map((e) => e.event)).toEqual(['completed', 'completed']);
    expect(echoOnly.events.map((e) => [e.data['job_id'], e.event])).toEqual([
      [echo, 'pending'],
      [echo, 'processing'],
      [echo, 'completed'],
    ]);
    expect(admin.events.map((e) => [e.data['job_id'], e.event])).toEqual([
      [echo, 'pending'],
      [sleep, 'pending'],
    ]);

    const refusal = async (
      path: string,
      key: string | null,
      headers: Record<string, string> = {},
    ) => {
      const client = await sse(path, key, headers);
      return { status: client.status, body: await client.json() };
    };
    expect(await refusal('/workers/events?status=nope&job_type=bogus', tenantKeys.acme)).toEqual({
      status: 400,
      body: {
        statusCode: 400,
        error: 'Bad Request',
        message: [
          'status must be one of: Pending, Delayed, Processing, Retrying, Completed, Failed, DeadLetter, Cancelled',
          'job_type must be one of: batch_crawl, single_crawl, pdf_extraction, maintenance, custom, custom:<job_name>',
        ],
      },
    });
    expect(await refusal('/workers/events?limit=5', tenantKeys.acme)).toEqual({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request', message: ['property limit should not exist'] },
    });
    expect(await refusal('/workers/events', ADMIN_KEY)).toEqual({
      status: 400,
      body: {
        statusCode: 400,
        error: 'Bad Request',
        message:
          'tenant is required with an admin key: an event stream follows one tenant (add ?tenant=<name>)',
      },
    });
    const badId = {
      status: 400,
      body: {
        statusCode: 400,
        error: 'Bad Request',
        message:
          'Last-Event-ID must be the id of an event, as sent on its id: line (digits-digits, e.g. 1733250000000-0)',
      },
    };
    expect(await refusal('/workers/events', tenantKeys.acme, { 'last-event-id': '12' })).toEqual(
      badId,
    );
    expect(
      await refusal(`/workers/jobs/${echo}/events`, tenantKeys.acme, { 'last-event-id': 'x-1' }),
    ).toEqual(badId);
    expect(await refusal('/workers/events?last_event_id=abc', tenantKeys.acme)).toEqual({
      status: 400,
      body: {
        statusCode: 400,
        error: 'Bad Request',
        message: [
          'last_event_id must be the id of an event, as sent on its id: line (digits-digits, e.g. 1733250000000-0)',
        ],
      },
    });
    expect((await refusal('/workers/events', null)).status).toBe(401);
  }, 30000);

  it('a reconnect with Last-Event-ID misses nothing and repeats nothing', async () => {
    const [newest] = await redis.xrevrange(keys.eventLog('acme'), '+', '-', 'COUNT', 1);
    const before = newest?.[0] ?? '0-0';
    const first = await sse('/workers/events', tenantKeys.acme);
    const jobs: string[] = [];
    for (let i = 0; i < 5; i += 1) jobs.push(await submit(tenantKeys.acme, 'echo', { i }));
    await first.until((events) => events.length >= 4, 'some events');
    first.close();
    await first.ended;
    const lastSeen = first.events.at(-1)?.id as string;
    // While nobody listens: the rest of those jobs' events, and five more jobs.
    for (let i = 5; i < 10; i += 1) jobs.push(await submit(tenantKeys.acme, 'echo', { i }));
    for (const id of jobs)
      await waitFor(
        () => statusOf(tenantKeys.acme, id),
        (s) => s === 'Completed',
        {
          what: `job ${id} completed`,
          timeoutMs: 15000,
        },
      );
    const second = await sse('/workers/events', tenantKeys.acme, { 'last-event-id': lastSeen });
    const live = await submit(tenantKeys.acme, 'echo', { live: true });
    await second.until(hasEvent(live, 'completed'), 'the live job completed');
    const logged = (await redis.xrange(keys.eventLog('acme'), `(${before}`, '+')).map(([id]) => id);
    const received = [...first.events, ...second.events].map((e) => e.id);
    expect(received).toEqual(logged);
    expect(new Set(received).size).toBe(received.length);
    for (const id of [...jobs, live])
      expect(kindsOf([...first.events, ...second.events], id)).toEqual([
        'pending',
        'processing',
        'completed',
      ]);
  }, 60000);

  it('caps streams per key (429) and per process (503), sends keep-alives, and frees a place when a client goes', async () => {
    const held: SseClient[] = [];
    for (let i = 0; i < 3; i += 1) held.push(await sse('/workers/events', tenantKeys.acme));
    expect(held.map((c) => c.status)).toEqual([200, 200, 200]);
    const fourth = await sse('/workers/events', tenantKeys.acme);
    expect(fourth.status).toBe(429);
    expect(await fourth.json()).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message:
        'This key already holds 3 event streams on this server (SSE_MAX_CONNECTIONS_PER_KEY); close one first',
    });
    // Idle streams get a comment every sseKeepAliveMs (300 ms here).
    await waitFor(
      () => held[0].comments,
      (comments) => comments.includes('keep-alive'),
      { what: 'a keep-alive', timeoutMs: 3000, intervalMs: 50 },
    );

    held[0].close();
    await waitFor(
      () => app.get(EventStreamLimits).open,
      (n) => n === 2,
      { what: 'a place freed', timeoutMs: 5000 },
    );
    expect((await sse('/workers/events', tenantKeys.acme)).status).toBe(200);
    // The admin key is exempt from the per-key cap, not from the process's.
    for (let i = 0; i < 5; i += 1)
      expect((await sse('/workers/events?tenant=acme', ADMIN_KEY)).status).toBe(200);
    const over = await sse('/workers/events?tenant=acme', ADMIN_KEY);
    expect(over.status).toBe(503);
    expect(await over.json()).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message:
        'This server holds its maximum of 8 event streams (SSE_MAX_CONNECTIONS); try again later or on another server',
    });
  }, 30000);

  it('an event raised by a worker process reaches clients of two other API processes', async () => {
    let second: ApiProcess | undefined;
    try {
      second = await startApiProcess({ redisUrl, prefix, adminKey: ADMIN_KEY });
      const here = await sse('/workers/events', tenantKeys.acme);
      const there = await sse('/workers/events', tenantKeys.acme, {}, second.url);
      expect(there.status).toBe(200);
      const jobId = await submit(tenantKeys.acme, 'echo', { across: true });
      const jobStream = await sse(`/workers/jobs/${jobId}/events`, tenantKeys.acme, {}, second.url);
      for (const client of [here, there])
        await client.until(hasEvent(jobId, 'completed'), 'completed on both API processes');
      await jobStream.ended;
      expect(kindsOf(here.events, jobId)).toEqual(['pending', 'processing', 'completed']);
      expect(kindsOf(there.events, jobId)).toEqual(['pending', 'processing', 'completed']);
      // Opened on the other process while the job ran, or after: either way it ends with Completed.
      expect(jobStream.events.at(-1)?.data['status']).toBe('Completed');
      const view = await call('get', `/workers/jobs/${jobId}`, tenantKeys.acme);
      expect(view.body['worker_id']).toBe(worker.workerId);
      expect(String(worker.workerId)).not.toContain(`:${process.pid}:`);
      // A process that shuts down ends its open streams (their clients reconnect elsewhere)
      // instead of waiting for them.
      await second.stop();
      second = undefined;
      await there.ended;
      expect(there.isEnded).toBe(true);
    } finally {
      for (const client of clients.splice(0)) client.close();
      await second?.stop();
    }
  }, 90000);
});
