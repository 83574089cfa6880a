import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes, randomUUID } from 'node:crypto';
import { IncomingMessage, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Document } from 'openapi-backend';
import request from 'supertest';
import {
  FixtureSite,
  deleteKeysWithPrefix,
  startFixtureSite,
  testRedisUrl,
  uniquePrefix,
  waitFor,
} from '@riptide/testing';
import { OpenApiContract, validateOpenApiDocument } from './openapi-contract.spec-helper';
import { declareHandledJobTypes } from '@riptide/queue/testing';
import { bootApi, testEnv } from './test-app.util';

const redisUrl = testRedisUrl();
const ADMIN_KEY = `admin-${randomBytes(24).toString('hex')}`;
const BODY_LIMIT_BYTES = 65536;
const UNKNOWN_ID = randomUUID();
const WRITER_SCOPES = ['jobs:write', 'jobs:read', 'schedules:write', 'schedules:read'];

/*
 * Documented answers no request of this suite can provoke, and why. Everything else the document
 * lists must be provoked here, so that a documented status is one a route really gives.
 */
const NOT_PROVOKED_HERE: { answer: RegExp; why: string }[] = [
  {
    answer: / 503$/,
    why: 'Redis unreachable, out of memory or unable to persist (redis-store-faults, redis-memory specs)',
  },
  { answer: /^POST \/admin\/keys 409$/, why: 'the key table holds 10000 keys' },
  {
    answer: /^POST \/workers\/(jobs|jobs\/bulk|schedule) 409$/,
    why: 'a request with the same Idempotency-Key still running (idempotency e2e spec)',
  },
  { answer: /^GET \/health\/live 503$/, why: 'the event loop blocked for seconds' },
];

interface Call {
  key?: string | null;
  body?: unknown;
  /** A body sent as is, with its own content type. */
  raw?: { type: string; data: string };
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

describe('The served OpenAPI document against real answers of every route (booted host, real Redis, real HTTP)', () => {
  let app: NestFastifyApplication;
  let site: FixtureSite;
  let prefix: string;
  let contract: OpenApiContract;
  const keys: Record<'writer' | 'reader' | 'limited' | 'metrics', string> = {
    writer: '',
    reader: '',
    limited: '',
    metrics: '',
  };

  /** Sends a request, checks its answer against the document, and expects `status`. */
  async function call(
    target: NestFastifyApplication,
    method: 'get' | 'post' | 'patch' | 'delete',
    path: string,
    status: number | number[],
    options: Call = {},
  ) {
    const key = options.key === undefined ? ADMIN_KEY : options.key;
    const query = options.query ? `?${new URLSearchParams(options.query).toString()}` : '';
    let test = request(target.getHttpServer())[method](path + query);
    if (key !== null) test = test.set('Authorization', `Bearer ${key}`);
    for (const [name, value] of Object.entries(options.headers ?? {})) test = test.set(name, value);
    if (options.raw) test = test.set('Content-Type', options.raw.type).send(options.raw.data);
    else if (options.body !== undefined) test = test.send(options.body as object);
    const response = await test;
    const contentType = response.headers['content-type'] as string | undefined;
    const body = contentType?.startsWith('application/json') ? response.body : response.text;
    contract.check({
      method,
      path,
      query: options.query,
      status: response.status,
      contentType,
      body,
    });
    if (![status].flat().includes(response.status))
      contract.problems.push(
        `${method.toUpperCase()} ${path}${query}: expected ${status}, got ${response.status} ${JSON.stringify(body)}`,
      );
    return response;
  }
  const api = (
    method: 'get' | 'post' | 'patch' | 'delete',
    path: string,
    status: number | number[],
    options?: Call,
  ) => call(app, method, path, status, options);
  const oversized = () => ({ name: 'x'.repeat(BODY_LIMIT_BYTES + 1) });
  const jobStatus = async (id: string) =>
    (
      await request(app.getHttpServer())
        .get(`/workers/jobs/${id}`)
        .set('Authorization', `Bearer ${ADMIN_KEY}`)
    ).body.status as string;
  const until = (id: string, status: string) =>
    waitFor(
      () => jobStatus(id),
      (s) => s === status,
      { timeoutMs: 15000, what: `job ${id} ${status}` },
    );

  /**
   * Opens an event stream route with node:http (supertest waits for an end that a live stream
   * never sends) and checks its answer against the document: a refusal's JSON, or the stream as
   * received until its first event (or its end), each event's data checked as JobEventDataDto.
   * `hold` keeps the stream open and returns a function that closes it.
   */
  async function stream(
    path: string,
    status: number,
    options: Call & { hold?: boolean } = {},
  ): Promise<() => void> {
    const key = options.key === undefined ? ADMIN_KEY : options.key;
    const query = options.query ? `?${new URLSearchParams(options.query).toString()}` : '';
    const { port } = app.getHttpServer().address() as AddressInfo;
    const response = await new Promise<IncomingMessage>((resolve, reject) =>
      httpRequest(
        `http://127.0.0.1:${port}${path}${query}`,
        {
          agent: false,
          headers: {
            accept: 'text/event-stream',
            ...(key === null ? {} : { authorization: `Bearer ${key}` }),
            ...options.headers,
          },
        },
        resolve,
      )
        .on('error', reject)
        .end(),
    );
    response.setEncoding('utf8');
    const contentType = response.headers['content-type'];
    const isStream = contentType?.startsWith('text/event-stream') === true;
    let text = '';
    await new Promise<void>((resolve) => {
      if (isStream && options.hold) return resolve();
      response.on('data', (chunk: string) => {
        text += chunk;
        if (isStream && /\ndata: .*\n\n/.test(text)) resolve();
      });
      response.on('end', () => resolve());
      response.on('close', () => resolve());
    });
    if (!options.hold) response.destroy();
    const body = isStream ? text : JSON.parse(text || 'null');
    contract.check({
      method: 'get',
      path,
      query: options.query,
      status: response.statusCode ?? 0,
      contentType,
      body,
    });
    if (response.statusCode !== status)
      contract.problems.push(
        `GET ${path}${query}: expected ${status}, got ${response.statusCode} ${text}`,
      );
    if (isStream)
      for (const [, data] of text.matchAll(/^data: (.*)$/gm))
        contract.checkComponent('JobEventDataDto', JSON.parse(data), `GET ${path} event`);
    return () => response.destroy();
  }

  beforeAll(async () => {
    site = await startFixtureSite();
    prefix = uniquePrefix('openapi');
    app = await bootApi(
      redisUrl,
      testEnv(prefix, {
        RIPTIDE_ADMIN_KEY: ADMIN_KEY,
        WORKER_POOL_SIZE: '1',
        BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES),
        // One stream per key, so that a second one provokes the 429.
        SSE_MAX_CONNECTIONS_PER_KEY: '1',
      }),
    );
    await app.listen(0, '127.0.0.1');
    // The custom types the requests submit: a worker elsewhere handles them (this host's worker
    // has no handler for them, so `no_such_handler` ends DeadLetter after its one attempt).
    await declareHandledJobTypes(redisUrl, prefix, [
      'custom:report',
      'custom:no_such_handler',
      'custom:nightly_report',
    ]);
    const document = (await request(app.getHttpServer()).get('/docs-json').expect(200))
      .body as Document;
    contract = await OpenApiContract.load(document);
  });

  afterAll(async () => {
    await app?.close();
    await site?.close();
    await deleteKeysWithPrefix(redisUrl, prefix);
  });

  it('serves a valid OpenAPI document', async () => {
    expect(contract.document.openapi).toMatch(/^3\.0\.\d$/);
    expect(await validateOpenApiDocument(contract.document)).toEqual({ valid: true });
  });

  it('describes every answer and gives every request body and answer an example that its own schema accepts', () => {
    expect(contract.checkExamples()).toEqual([]);
  });

  it('keys: create, list, read, revoke, and each refusal', async () => {
    const create = (name: string, scopes: string[], extra: object = {}) => ({
      name,
      tenant: 'acme',
      scopes,
      ...extra,
    });
    keys.writer = (
      await api('post', '/admin/keys', 201, {
        body: create('writer', WRITER_SCOPES, { max_priority: 'Normal', max_schedules: 1 }),
      })
    ).body.key;
    keys.reader = (
      await api('post', '/admin/keys', 201, { body: create('reader', ['jobs:read']) })
    ).body.key;
    keys.limited = (
      await api('post', '/admin/keys', 201, {
        body: create('limited', WRITER_SCOPES, { rate_limit_per_sec: 1, burst: 1 }),
      })
    ).body.key;
    keys.metrics = (
      await api('post', '/admin/keys', 201, { body: create('metrics', ['metrics:read']) })
    ).body.key;
    const doomed = (
      await api('post', '/admin/keys', 201, { body: create('doomed', ['jobs:read']) })
    ).body.id as string;
    await api('post', '/admin/keys', 400, {
      body: { name: '', tenant: 'Not A Tenant', scopes: ['everything'] },
    });
    await api('post', '/admin/keys', 400, { raw: { type: 'application/json', data: '{"name": ' } });
    await api('post', '/admin/keys', 401, { key: null, body: create('x', ['jobs:read']) });
    await api('post', '/admin/keys', 403, { key: keys.reader, body: create('x', ['jobs:read']) });
    await api('post', '/admin/keys', 413, { body: oversized() });
    await api('post', '/admin/keys', 415, { raw: { type: 'text/plain', data: 'name=x' } });

    await api('get', '/admin/keys', 200);
    await api('get', '/admin/keys', 401, { key: 'rt_not-a-key' });
    await api('get', '/admin/keys', 403, { key: keys.reader });
    await api('get', `/admin/keys/${doomed}`, 200);
    await api('get', `/admin/keys/${UNKNOWN_ID}`, 404);
    await api('get', `/admin/keys/${doomed}`, 401, { key: null });
    await api('get', `/admin/keys/${doomed}`, 403, { key: keys.reader });
    await api('delete', `/admin/keys/${doomed}`, 401, { key: null });
    await api('delete', `/admin/keys/${doomed}`, 403, { key: keys.reader });
    await api('delete', `/admin/keys/${doomed}`, 204);
    await api('delete', `/admin/keys/${doomed}`, 404);
  });

  let crawled: string;
  let delayed: string;

  it('jobs: submit, list, status, result, cancel, replay, and each refusal', async () => {
    const single = {
      job_type: { type: 'single_crawl', url: site.url('/article') },
      metadata: { team: 'news' },
    };
    crawled = (await api('post', '/workers/jobs', 200, { key: keys.writer, body: single })).body
      .job_id;
    const later = {
      job_type: { type: 'custom', job_name: 'report' },
      scheduled_at: new Date(Date.now() + 3600_000).toISOString(),
    };
    delayed = (await api('post', '/workers/jobs', 200, { key: keys.writer, body: later })).body
      .job_id;
    const batch = {
      job_type: {
        type: 'batch_crawl',
        urls: [site.url('/article'), site.url('/status?code=404')],
        options: { concurrency: 2 },
      },
    };
    const batched = (await api('post', '/workers/jobs', 200, { body: batch })).body
      .job_id as string;
    const failing = (
      await api('post', '/workers/jobs', 200, {
        body: {
          job_type: { type: 'custom', job_name: 'no_such_handler' },
          retry_config: { max_attempts: 1 },
        },
      })
    ).body.job_id as string;
    await api('post', '/workers/jobs', 400, {
      key: keys.writer,
      body: { job_type: { type: 'single_crawl' }, priority: 'urgent' },
    });
    await api('post', '/workers/jobs', 400, {
      key: keys.writer,
      raw: { type: 'application/json', data: '{"job_type": ' },
    });
    await api('post', '/workers/jobs', 401, { key: null, body: single });
    await api('post', '/workers/jobs', 403, { key: keys.reader, body: single });
    await api('post', '/workers/jobs', 403, {
      key: keys.writer,
      body: { ...single, priority: 'Critical' },
    });
    await api('post', '/workers/jobs', 413, {
      key: keys.writer,
      body: { ...single, metadata: oversized() },
    });
    await api('post', '/workers/jobs', 415, {
      key: keys.writer,
      raw: { type: 'text/plain', data: 'job_type=single_crawl' },
    });
    // curl's default for -d: a form, not JSON.
    await api('post', '/workers/jobs', 415, {
      key: keys.writer,
      raw: { type: 'application/x-www-form-urlencoded', data: 'job_type=single_crawl' },
    });
    const idempotencyKey = { 'Idempotency-Key': `k-${randomUUID()}` };
    await api('post', '/workers/jobs', 200, {
      key: keys.writer,
      body: later,
      headers: idempotencyKey,
    });
    await api('post', '/workers/jobs', 422, {
      key: keys.writer,
      body: single,
      headers: idempotencyKey,
    });
    await api('post', '/workers/jobs', 200, { key: keys.limited, body: later });
    await api('post', '/workers/jobs', 429, { key: keys.limited, body: later });

    const bulk = {
      jobs: [
        later,
        { job_type: { type: 'single_crawl', url: 'ftp://example.com' } },
        { ...later, priority: 'Critical' },
      ],
    };
    await api('post', '/workers/jobs/bulk', 200, { key: keys.writer, body: bulk });
    await api('post', '/workers/jobs/bulk', 400, { key: keys.writer, body: { jobs: [] } });
    await api('post', '/workers/jobs/bulk', 400, {
      key: keys.writer,
      raw: { type: 'application/json', data: '{"jobs": [' },
    });
    await api('post', '/workers/jobs/bulk', 401, { key: null, body: bulk });
    await api('post', '/workers/jobs/bulk', 403, { key: keys.reader, body: bulk });
    await api('post', '/workers/jobs/bulk', 413, {
      key: keys.writer,
      body: { jobs: [{ ...later, metadata: oversized() }] },
    });
    await api('post', '/workers/jobs/bulk', 415, {
      key: keys.writer,
      raw: { type: 'text/plain', data: 'jobs' },
    });
    const bulkKey = { 'Idempotency-Key': `k-${randomUUID()}` };
    await api('post', '/workers/jobs/bulk', 200, {
      key: keys.writer,
      body: bulk,
      headers: bulkKey,
    });
    await api('post', '/workers/jobs/bulk', 422, {
      key: keys.writer,
      body: { jobs: [later] },
      headers: bulkKey,
    });
    await api('post', '/workers/jobs/bulk', 429, { key: keys.limited, body: bulk });

    await api('get', `/workers/jobs/${delayed}`, 200, { key: keys.writer });
    await api('get', `/workers/jobs/${delayed}/result`, 404, { key: keys.writer });
    await until(crawled, 'Completed');
    await until(batched, 'Completed');
    await until(failing, 'DeadLetter');
    for (const id of [crawled, batched, failing]) {
      await api('get', `/workers/jobs/${id}`, 200);
      await api('get', `/workers/jobs/${id}/result`, 200);
    }
    // `data` admits any JSON (a custom handler's result); crawl results are held to their own schemas.
    contract.checkComponent(
      'CrawlResultDoc',
      (await api('get', `/workers/jobs/${crawled}/result`, 200)).body.data,
      'single_crawl result',
    );
    const batchResult = (await api('get', `/workers/jobs/${batched}/result`, 200)).body.data;
    contract.checkComponent('BatchCrawlResponseDoc', batchResult, 'batch_crawl result');
    expect(batchResult.results[1]).toMatchObject({
      status: 404,
      error: expect.any(String),
      error_code: 'http_status',
    });
    for (const path of [`/workers/jobs/${crawled}`, `/workers/jobs/${crawled}/result`]) {
      await api('get', path, 401, { key: null });
      await api('get', path, 403, { key: keys.metrics });
    }
    await api('get', `/workers/jobs/${UNKNOWN_ID}`, 404);
    await api('get', `/workers/jobs/${UNKNOWN_ID}/result`, 404);

    await api('get', '/workers/jobs', 200, { key: keys.writer });
    await api('get', '/workers/jobs', 200, {
      query: {
        status: 'completed',
        job_type: 'single_crawl',
        search: 'news',
        limit: '10',
        offset: '0',
        tenant: 'acme',
      },
    });
    await api('get', '/workers/jobs', 400, { query: { limit: 'abc' } });
    await api('get', '/workers/jobs', 400, { query: { limit: '501', status: 'bogus' } });
    await api('get', '/workers/jobs', 401, { key: null });
    await api('get', '/workers/jobs', 403, { key: keys.metrics });

    await api('delete', `/workers/jobs/${delayed}`, 401, { key: null });
    await api('delete', `/workers/jobs/${delayed}`, 403, { key: keys.reader });
    await api('delete', `/workers/jobs/${delayed}`, 200, { key: keys.writer });
    await api('delete', `/workers/jobs/${crawled}`, 409, { key: keys.writer });
    await api('delete', `/workers/jobs/${UNKNOWN_ID}`, 404, { key: keys.writer });
    await api('post', `/workers/jobs/${delayed}/retry`, 401, { key: null });
    await api('post', `/workers/jobs/${delayed}/retry`, 403, { key: keys.reader });
    await api('post', `/workers/jobs/${delayed}/retry`, 200, { key: keys.writer });
    await api('post', `/workers/jobs/${crawled}/retry`, 409, { key: keys.writer });
    await api('post', `/workers/jobs/${UNKNOWN_ID}/retry`, 404, { key: keys.writer });
  });

  it('stats, metrics and the Prometheus exposition, and each refusal', async () => {
    await api('get', '/workers/stats/queue', 200, { key: keys.writer });
    await api('get', '/workers/stats/queue', 200, { query: { tenant: 'acme' } });
    await api('get', '/workers/stats/queue', 400, { query: { tenant: 'Not A Tenant' } });
    await api('get', '/workers/stats/queue', 401, { key: null });
    await api('get', '/workers/stats/queue', 403, { key: keys.metrics });
    for (const path of ['/workers/stats/workers', '/workers/metrics', '/metrics']) {
      await api('get', path, 200, { key: keys.metrics });
      await api('get', path, 401, { key: null });
      await api('get', path, 403, { key: keys.reader });
    }
  });

  it('schedules: create, list, read, change, trigger, delete, and each refusal', async () => {
    const schedule = {
      name: 'nightly',
      cron_expression: '0 3 * * *',
      job_template: { type: 'custom', job_name: 'nightly_report' },
      timezone: 'Europe/Berlin',
    };
    const id = (await api('post', '/workers/schedule', 200, { key: keys.writer, body: schedule }))
      .body.id as string;
    await api('post', '/workers/schedule', 409, { key: keys.writer, body: schedule });
    await api('post', '/workers/schedule', 400, {
      body: { ...schedule, cron_expression: 'every night', timezone: 'Mars/Olympus' },
    });
    await api('post', '/workers/schedule', 400, {
      raw: { type: 'application/json', data: '{"name": ' },
    });
    await api('post', '/workers/schedule', 401, { key: null, body: schedule });
    await api('post', '/workers/schedule', 403, { key: keys.reader, body: schedule });
    await api('post', '/workers/schedule', 413, { body: { ...schedule, metadata: oversized() } });
    await api('post', '/workers/schedule', 415, {
      raw: { type: 'text/plain', data: 'name=nightly' },
    });
    const idempotencyKey = { 'Idempotency-Key': `k-${randomUUID()}` };
    const other = (
      await api('post', '/workers/schedule', 200, { body: schedule, headers: idempotencyKey })
    ).body.id as string;
    await api('post', '/workers/schedule', 422, {
      body: { ...schedule, name: 'another' },
      headers: idempotencyKey,
    });

    await api('get', '/workers/schedule', 200, { key: keys.writer });
    await api('get', '/workers/schedule', 200, { query: { tenant: 'acme' } });
    await api('get', '/workers/schedule', 400, { query: { tenant: 'Not A Tenant' } });
    await api('get', '/workers/schedule', 401, { key: null });
    await api('get', '/workers/schedule', 403, { key: keys.reader });
    await api('get', `/workers/schedule/${id}`, 200, { key: keys.writer });
    await api('get', `/workers/schedule/${UNKNOWN_ID}`, 404, { key: keys.writer });
    await api('get', `/workers/schedule/${id}`, 401, { key: null });
    await api('get', `/workers/schedule/${id}`, 403, { key: keys.reader });

    await api('post', `/workers/schedule/${id}/trigger`, 200, { key: keys.writer });
    // The limited key's budget (one a second) is spent by a submission right before.
    await request(app.getHttpServer())
      .post('/workers/jobs')
      .set('Authorization', `Bearer ${keys.limited}`)
      .send({ job_type: { type: 'custom', job_name: 'report' } });
    await api('post', `/workers/schedule/${id}/trigger`, 429, { key: keys.limited });
    await api('post', `/workers/schedule/${UNKNOWN_ID}/trigger`, 404, { key: keys.writer });
    await api('post', `/workers/schedule/${id}/trigger`, 401, { key: null });
    await api('post', `/workers/schedule/${id}/trigger`, 403, { key: keys.reader });
    await api('get', `/workers/schedule/${id}`, 200, { key: keys.writer });

    await api('patch', `/workers/schedule/${id}`, 200, {
      key: keys.writer,
      body: { enabled: false, retry_config: { max_attempts: 5 } },
    });
    await api('patch', `/workers/schedule/${id}`, 400, {
      key: keys.writer,
      body: { cron_expression: 'every night', overlap: 'sometimes' },
    });
    await api('patch', `/workers/schedule/${id}`, 400, {
      key: keys.writer,
      raw: { type: 'application/json', data: '{"enabled": ' },
    });
    await api('patch', `/workers/schedule/${id}`, 401, { key: null, body: { enabled: true } });
    await api('patch', `/workers/schedule/${id}`, 403, {
      key: keys.reader,
      body: { enabled: true },
    });
    await api('patch', `/workers/schedule/${id}`, 403, {
      key: keys.writer,
      body: { priority: 'Critical' },
    });
    await api('patch', `/workers/schedule/${UNKNOWN_ID}`, 404, {
      key: keys.writer,
      body: { enabled: true },
    });
    await api('patch', `/workers/schedule/${id}`, 413, {
      key: keys.writer,
      body: { metadata: oversized() },
    });
    await api('patch', `/workers/schedule/${id}`, 415, {
      key: keys.writer,
      raw: { type: 'text/plain', data: 'enabled=true' },
    });

    await api('delete', `/workers/schedule/${id}`, 401, { key: null });
    await api('delete', `/workers/schedule/${id}`, 403, { key: keys.reader });
    await api('delete', `/workers/schedule/${id}`, 204, { key: keys.writer });
    await api('delete', `/workers/schedule/${id}`, 404, { key: keys.writer });
    await api('delete', `/workers/schedule/${other}`, 204);
  });

  it('webhooks: subscribe, list, unsubscribe, rotate the secret, a job with a webhook, and each refusal', async () => {
    const hook = { url: 'http://127.0.0.1:9/hooks', events: ['completed'] };
    const created = await api('post', '/workers/webhooks', 201, { key: keys.writer, body: hook });
    const id = created.body.id as string;
    await api('post', '/workers/webhooks', 400, {
      key: keys.writer,
      body: { url: 'ftp://hooks.example/', events: ['started'], job_types: ['nope'] },
    });
    await api('post', '/workers/webhooks', 400, {
      key: keys.writer,
      raw: { type: 'application/json', data: '{"url": ' },
    });
    await api('post', '/workers/webhooks', 401, { key: null, body: hook });
    await api('post', '/workers/webhooks', 403, { key: keys.reader, body: hook });
    await api('post', '/workers/webhooks', 413, {
      key: keys.writer,
      body: { ...hook, ...oversized() },
    });
    await api('post', '/workers/webhooks', 415, {
      key: keys.writer,
      raw: { type: 'text/plain', data: 'url=x' },
    });
    const more: string[] = [];
    for (let i = 1; i < 20; i++)
      more.push(
        (await api('post', '/workers/webhooks', 201, { key: keys.writer, body: hook })).body.id,
      );
    await api('post', '/workers/webhooks', 409, { key: keys.writer, body: hook });
    await api('get', '/workers/webhooks', 200, { key: keys.writer });
    await api('get', '/workers/webhooks', 401, { key: null });
    await api('get', '/workers/webhooks', 403, { key: keys.metrics });
    await api('delete', `/workers/webhooks/${id}`, 401, { key: null });
    await api('delete', `/workers/webhooks/${id}`, 403, { key: keys.reader });
    await api('delete', `/workers/webhooks/${id}`, 204, { key: keys.writer });
    await api('delete', `/workers/webhooks/${id}`, 404, { key: keys.writer });
    for (const other of more)
      await api('delete', `/workers/webhooks/${other}`, 204, { key: keys.writer });
    await api('post', '/workers/webhooks/secret/rotate', 200, { key: keys.writer });
    await api('post', '/workers/webhooks/secret/rotate', 401, { key: null });
    await api('post', '/workers/webhooks/secret/rotate', 403, { key: keys.reader });

    const job = (
      await api('post', '/workers/jobs', 200, {
        key: keys.writer,
        body: { job_type: { type: 'custom', job_name: 'report' }, webhook: hook },
      })
    ).body.job_id as string;
    const view = await api('get', `/workers/jobs/${job}`, 200, { key: keys.writer });
    expect(view.body).toMatchObject({ webhook: hook, webhook_deliveries: [] });
    await api('delete', `/workers/jobs/${job}`, 200, { key: keys.writer });
  });

  it("event streams: a finished job's, a tenant's, and each refusal", async () => {
    const jobEvents = `/workers/jobs/${crawled}/events`;
    await stream(jobEvents, 200, { key: keys.reader });
    await stream(jobEvents, 200, { key: keys.reader, query: { last_event_id: '0-0' } });
    await stream(jobEvents, 400, { key: keys.reader, headers: { 'Last-Event-ID': 'yesterday' } });
    await stream(jobEvents, 401, { key: null });
    await stream(jobEvents, 403, { key: keys.metrics });
    await stream(`/workers/jobs/${UNKNOWN_ID}/events`, 404, { key: keys.reader });
    // From the start of the log: the events of this suite's jobs come at once. The client closes
    // this stream (the server learns it a moment later), so another key than the reader's.
    await stream('/workers/events', 200, { key: keys.writer, headers: { 'Last-Event-ID': '0-0' } });
    await stream('/workers/events', 200, {
      query: {
        tenant: 'acme',
        status: 'completed',
        job_type: 'single_crawl',
        last_event_id: '0-0',
      },
    });
    await stream('/workers/events', 400, { query: { status: 'bogus' } });
    await stream('/workers/events', 400, {});
    await stream('/workers/events', 401, { key: null });
    await stream('/workers/events', 403, { key: keys.metrics });
    const close = await stream('/workers/events', 200, { key: keys.reader, hold: true });
    try {
      await stream('/workers/events', 429, { key: keys.reader });
      await stream(jobEvents, 429, { key: keys.reader });
    } finally {
      close();
    }
  });

  it('health: readiness and liveness, with and without details', async () => {
    // A busy machine may find the event loop lagging: either answer must agree with the document.
    for (const path of ['/health', '/health/live']) {
      await api('get', path, [200, 503], { key: null });
      await api('get', path, [200, 503], { key: keys.metrics });
      await api('get', path, 401, { key: 'rt_not-a-key' });
    }
  });

  it('in local mode: readiness down while work waits with no worker, and names that are not loopback refused', async () => {
    const localPrefix = uniquePrefix('openapi-local');
    await declareHandledJobTypes(redisUrl, localPrefix, ['custom:report']);
    const local = await bootApi(redisUrl, testEnv(localPrefix, { WORKER_POOL_SIZE: '0' }));
    try {
      await call(local, 'post', '/workers/jobs', 200, {
        key: null,
        body: { job_type: { type: 'custom', job_name: 'report' } },
      });
      for (const path of ['/health', '/health/live', '/workers/jobs', '/metrics'])
        await call(local, 'get', path, 403, { key: null, headers: { Host: 'riptide.example' } });
      await waitFor(
        async () => (await request(local.getHttpServer()).get('/health')).status,
        (status) => status === 503,
        { what: 'readiness to report the worker pool down' },
      );
      await call(local, 'get', '/health', 503, { key: null });
    } finally {
      await local.close();
      await deleteKeysWithPrefix(redisUrl, localPrefix);
    }
  });

  it('every answer agreed with the document', () => {
    expect(contract.problems).toEqual([]);
  });

  it('every answer the document lists was provoked, but for those this suite cannot cause', () => {
    const missing = contract
      .documentedAnswers()
      .filter((answer) => !contract.seen.has(answer))
      .filter((answer) => !NOT_PROVOKED_HERE.some(({ answer: pattern }) => pattern.test(answer)));
    expect(missing).toEqual([]);
  });
});
