import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix } from '@riptide/testing';
import { bootApi, testEnv } from './test-app.util';

const redisUrl = testRedisUrl();
const JOB = JSON.stringify({ job_type: { type: 'single_crawl', url: 'https://example.com/' } });
const NOT_JSON = (type: string) => ({
  statusCode: 415,
  error: 'Unsupported Media Type',
  message: `Content-Type "${type}" is not accepted: send the body as JSON with Content-Type: application/json`,
});
const NO_TYPE = {
  statusCode: 415,
  error: 'Unsupported Media Type',
  message:
    'The request has no Content-Type: send the body as JSON with Content-Type: application/json',
};

/** What a client sees at the edge of the API: content types and validation answers. */
describe('Wire contract (booted host, real Redis, real HTTP)', () => {
  let app: NestFastifyApplication;
  let prefix: string;
  let port: number;
  const http = () => request(app.getHttpServer());

  /** A raw request, so that no client library adds a Content-Type of its own. */
  const raw = (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: unknown }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }),
        );
      });
      req.on('error', reject);
      req.end(body);
    });

  beforeAll(async () => {
    prefix = uniquePrefix('wire');
    app = await bootApi(redisUrl, testEnv(prefix, { WORKER_POOL_SIZE: '0' }));
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as AddressInfo).port;
  });

  afterAll(async () => {
    await app.close();
    await deleteKeysWithPrefix(redisUrl, prefix);
  });

  describe('bodies are JSON only', () => {
    const bodyRoutes: [string, string][] = [
      ['POST', '/workers/jobs'],
      ['POST', '/workers/jobs/bulk'],
      ['POST', '/workers/schedule'],
      ['PATCH', '/workers/schedule/3f0c3a52-8d3e-4b6f-9a55-0d1d7d0c9b11'],
      ['POST', '/admin/keys'],
    ];

    it.each(bodyRoutes)(
      '%s %s refuses a form body (curl -d) with 415 naming application/json',
      async (method, path) => {
        const form = 'application/x-www-form-urlencoded';
        expect(
          await raw(method, path, `payload=${encodeURIComponent(JOB)}`, { 'content-type': form }),
        ).toEqual({ status: 415, body: NOT_JSON(form) });
      },
    );

    it.each(bodyRoutes)(
      '%s %s refuses a body without Content-Type, and no body at all, with 415',
      async (method, path) => {
        expect(await raw(method, path, JOB)).toEqual({ status: 415, body: NO_TYPE });
        expect(await raw(method, path)).toEqual({ status: 415, body: NO_TYPE });
      },
    );

    it.each(bodyRoutes)('%s %s refuses text, XML and multipart with 415', async (method, path) => {
      for (const type of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x'])
        expect(await raw(method, path, JOB, { 'content-type': type })).toEqual({
          status: 415,
          body: NOT_JSON(type),
        });
    });

    it('accepts application/json with parameters, and routes without a body need no Content-Type', async () => {
      expect(
        (
          await raw('POST', '/workers/jobs', JOB, {
            'content-type': 'Application/JSON; charset=utf-8',
          })
        ).status,
      ).toBe(200);
      const retry = await raw('POST', '/workers/jobs/3f0c3a52-8d3e-4b6f-9a55-0d1d7d0c9b11/retry');
      expect(retry).toEqual({
        status: 404,
        body: {
          statusCode: 404,
          error: 'Not Found',
          message: 'Job 3f0c3a52-8d3e-4b6f-9a55-0d1d7d0c9b11 not found',
        },
      });
    });
  });

  describe('every problem in one answer', () => {
    const invalid = (message: string[]) => ({ statusCode: 400, error: 'Bad Request', message });

    it('lists a bad priority, a missing URL, an unknown field and an out-of-range timeout together', async () => {
      const body = {
        job_type: { type: 'single_crawl', options: { cache_mode: 'sometimes' } },
        priority: 'urgent',
        timeout_secs: 0,
        colour: 'red',
      };
      expect((await http().post('/workers/jobs').send(body).expect(400)).body).toEqual(
        invalid([
          'property colour should not exist',
          'priority must be one of: Low, Normal, High, Critical',
          'job_type.url must be a non-empty string',
          'job_type.options.cache_mode must be one of: read_through, bypass, refresh, cache_only',
          'timeout_secs must be an integer from 1 to 3600 (JOB_MAX_TIMEOUT_SECS)',
        ]),
      );
    });

    it('reports a field of the wrong type once, by the shape check, not again by the rules', async () => {
      const body = {
        job_type: { type: 'batch_crawl', urls: ['ftp://example.com/'] },
        timeout_secs: 'soon',
        retry_config: { max_attempts: 'many', backoff_multiplier: 0.5 },
      };
      expect((await http().post('/workers/jobs').send(body).expect(400)).body).toEqual(
        invalid([
          'retry_config.max_attempts must be an integer number',
          'timeout_secs must be an integer number',
          'job_type.urls[0] must use http or https',
          'retry_config.backoff_multiplier must be a number from 1 to 100',
        ]),
      );
    });

    it('lists a missing job_type with the other problems, and refuses a body that is not an object', async () => {
      expect(
        (await http().post('/workers/jobs').send({ priority: 'someday' }).expect(400)).body,
      ).toEqual(
        invalid([
          'job_type should not be null or undefined',
          'job_type must be an object',
          'priority must be one of: Low, Normal, High, Critical',
        ]),
      );
      expect((await http().post('/workers/jobs').send([]).expect(400)).body.statusCode).toBe(400);
    });

    it('answers each bulk item with all its problems', async () => {
      const body = {
        jobs: [{ job_type: { type: 'custom', job_name: 'has space' }, priority: 'urgent' }],
      };
      expect((await http().post('/workers/jobs/bulk').send(body).expect(200)).body).toEqual({
        submitted: 0,
        failed: 1,
        jobs: [
          {
            index: 0,
            error: invalid([
              'priority must be one of: Low, Normal, High, Critical',
              'job_type.job_name must be 1-128 characters of letters, digits, _ . : -',
            ]),
          },
        ],
      });
    });

    it("lists a schedule's own problems with its template's", async () => {
      const body = {
        name: 'nightly',
        cron_expression: 'every night',
        priority: 'urgent',
        job_template: { type: 'single_crawl', url: 'mailto:x@example.com', depth: 3 },
      };
      expect((await http().post('/workers/schedule').send(body).expect(400)).body).toEqual(
        invalid([
          'priority must be one of: Low, Normal, High, Critical',
          'job_template.depth is not allowed',
          expect.stringMatching(/^cron_expression /),
          'job_template.url must use http or https',
        ]),
      );
      const patch = await http()
        .patch('/workers/schedule/3f0c3a52-8d3e-4b6f-9a55-0d1d7d0c9b11')
        .send({ enabled: 'yes', job_template: { type: 'custom', job_name: 'x', extra: 1 } });
      expect(patch.body).toEqual(
        invalid(['enabled must be a boolean value', 'job_template.extra is not allowed']),
      );
    });

    it('answers a bad limit or offset with one message giving the range', async () => {
      for (const limit of ['abc', '0', '501', '2.5'])
        expect((await http().get(`/workers/jobs?limit=${limit}`).expect(400)).body).toEqual(
          invalid(['limit must be an integer from 1 to 500']),
        );
      expect((await http().get('/workers/jobs?limit=abc&offset=-1').expect(400)).body).toEqual(
        invalid([
          'limit must be an integer from 1 to 500',
          'offset must be an integer from 0 to 1000000',
        ]),
      );
    });
  });
});
