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
  message: 'The request has no Content-Type: send the body as JSON with Content-Type: application/json',
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
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
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

    it.each(bodyRoutes)('%s %s refuses a form body (curl -d) with 415 naming application/json', async (method, path) => {
      const form = 'application/x-www-form-urlencoded';
      expect(await raw(method, path, `payload=${encodeURIComponent(JOB)}`, { 'content-type': form })).toEqual({ status: 415, body: NOT_JSON(form) });
    });

    it.each(bodyRoutes)('%s %s refuses a body without Content-Type, and no body at all, with 415', async (method, path) => {
      expect(await raw(method, path, JOB)).toEqual({ status: 415, body: NO_TYPE });
      expect(await raw(method, path)).toEqual({ status: 415, body: NO_TYPE });
    });

    it.each(bodyRoutes)('%s %s refuses text, XML and multipart with 415', async (method, path) => {
      for (const type of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x'])
        expect(await raw(method, path, JOB, { 'content-type': type })).toEqual({ status: 415, body: NOT_JSON(type) });
    });

    it('accepts application/json with parameters, and routes without a body need no Content-Type', async () => {
      expect((await raw('POST', '/workers/jobs', JOB, { 'content-type': 'Application/JSON; charset=utf-8' })).status).toBe(200);
      const retry = await raw('POST', '/workers/jobs/3f0c3a52-8d3e-4b6f-9a55-0d1d7d0c9b11/retry');
      expect(retry).toEqual({ status: 404, body: { statusCode: 404, error: 'Not Found', message: 'Job 3f0c3a52-8d3e-4b6f-9a55-0d1d7d0c9b11 not found' } });
    });
  });
});
