import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import {
  FixtureSite,
  deleteKeysWithPrefix,
  startFixtureSite,
  testRedisUrl,
  uniquePrefix,
  waitFor,
} from '@riptide/testing';
import { bootApi, testEnv } from './test-app.util';

const redisUrl = testRedisUrl();
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DNS_FAILED = 'Network error: the host name could not be resolved';

/** Failed crawls as a client sees them: classified by cause, with a stable error_code, outcomes kept. */
describe('Job failures (booted host, real Redis, real fetches)', () => {
  let app: NestFastifyApplication;
  let site: FixtureSite;
  let prefix: string;
  const http = () => request(app.getHttpServer());
  const submit = (body: object) => http().post('/workers/jobs').send(body).expect(200);
  const statusOf = async (id: string) =>
    (await http().get(`/workers/jobs/${id}`)).body as Record<string, unknown>;
  const until = (id: string, status: string) =>
    waitFor(
      () => statusOf(id),
      (s) => s['status'] === status,
      { timeoutMs: 15000, what: `job ${id} ${status}` },
    );
  /** A URL whose host name does not resolve (.invalid never does): the crawl of an offline machine. */
  const offline = (path: string) => `http://riptide-offline.invalid${path}`;
  const failedUrl = (
    url: string,
    error: string,
    errorCode: string,
    status: number | null = null,
  ) => ({
    url,
    final_url: status === null ? null : url,
    status,
    from_cache: false,
    processing_time_ms: expect.any(Number),
    document: null,
    error,
    error_code: errorCode,
  });

  beforeAll(async () => {
    site = await startFixtureSite();
    prefix = uniquePrefix('failures');
    app = await bootApi(redisUrl, testEnv(prefix, { WORKER_POOL_SIZE: '2' }));
  });

  afterAll(async () => {
    await app.close();
    await site.close();
    await deleteKeysWithPrefix(redisUrl, prefix);
  });

  it('reports an offline single crawl as a DNS failure (not a robots.txt block), with its error_code', async () => {
    const { body } = await submit({
      job_type: { type: 'single_crawl', url: offline('/page') },
      retry_config: { max_attempts: 1 },
    });
    const done = await until(body.job_id, 'DeadLetter');
    expect(done).toMatchObject({ last_error: DNS_FAILED, last_error_code: 'dns', retry_count: 0 });
    const result = await http().get(`/workers/jobs/${body.job_id}/result`).expect(200);
    expect(result.body).toEqual({
      job_id: body.job_id,
      success: false,
      data: null,
      error: DNS_FAILED,
      error_code: 'dns',
      processing_time_ms: expect.any(Number),
      worker_id: done['worker_id'],
      completed_at: expect.stringMatching(ISO),
    });
  });

  it('fails a batch where no URL succeeded, keeping every outcome readable in its result', async () => {
    const urls = [offline('/a'), offline('/b')];
    const { body } = await submit({
      job_type: { type: 'batch_crawl', urls },
      retry_config: { max_attempts: 1 },
    });
    const done = await until(body.job_id, 'DeadLetter');
    const message = `Every URL of the batch failed (2 of 2): ${DNS_FAILED}`;
    expect(done).toMatchObject({ last_error: message, last_error_code: 'dns' });
    const result = await http().get(`/workers/jobs/${body.job_id}/result`).expect(200);
    expect(result.body).toEqual({
      job_id: body.job_id,
      success: false,
      data: {
        total_urls: 2,
        successful: 0,
        failed: 2,
        from_cache: 0,
        results: urls.map((url) => failedUrl(url, DNS_FAILED, 'dns')),
      },
      error: message,
      error_code: 'dns',
      processing_time_ms: expect.any(Number),
      worker_id: done['worker_id'],
      completed_at: expect.stringMatching(ISO),
    });
  });

  it('retries a failed batch while its errors allow: network errors are retried', async () => {
    const { body } = await submit({
      job_type: { type: 'batch_crawl', urls: [offline('/c')] },
      retry_config: { max_attempts: 2, initial_delay_secs: 0, use_jitter: false },
    });
    const done = await until(body.job_id, 'DeadLetter');
    expect(done).toMatchObject({ retry_count: 1, last_error_code: 'dns' });
  });

  it('fails a batch at once when no URL can succeed later (every one 404), with mixed codes as all_urls_failed', async () => {
    const notFound = site.url('/status?code=404');
    const { body } = await submit({ job_type: { type: 'batch_crawl', urls: [notFound] } });
    const done = await until(body.job_id, 'Failed');
    expect(done).toMatchObject({
      retry_count: 0,
      last_error: 'Every URL of the batch failed (1 of 1): HTTP 404',
      last_error_code: 'http_status',
    });
    const mixed = await submit({
      job_type: { type: 'batch_crawl', urls: [notFound, offline('/d')] },
      retry_config: { max_attempts: 1 },
    });
    await until(mixed.body.job_id, 'DeadLetter');
    const result = await http().get(`/workers/jobs/${mixed.body.job_id}/result`).expect(200);
    expect(result.body).toMatchObject({
      success: false,
      error: "Every URL of the batch failed (2 of 2); each URL's error is in the result data",
      error_code: 'all_urls_failed',
      data: {
        total_urls: 2,
        successful: 0,
        failed: 2,
        results: [
          failedUrl(notFound, 'HTTP 404', 'http_status', 404),
          failedUrl(offline('/d'), DNS_FAILED, 'dns'),
        ],
      },
    });
  });

  it('completes a batch with at least one success, the failed URLs classified in its data', async () => {
    const urls = [site.url('/article'), offline('/e')];
    const { body } = await submit({ job_type: { type: 'batch_crawl', urls } });
    await until(body.job_id, 'Completed');
    const result = await http().get(`/workers/jobs/${body.job_id}/result`).expect(200);
    expect(result.body).toMatchObject({
      success: true,
      error: null,
      error_code: null,
      data: { total_urls: 2, successful: 1, failed: 1 },
    });
    expect(result.body.data.results[0]).toMatchObject({
      url: urls[0],
      error: null,
      error_code: null,
    });
    expect(result.body.data.results[1]).toEqual(failedUrl(urls[1], DNS_FAILED, 'dns'));
  });
});
