import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import {
  FIXTURE_PDF,
  FixtureSite,
  buildMalformedPdf,
  buildPdfDocument,
  deleteKeysWithPrefix,
  startFixtureSite,
  testRedisUrl,
  uniquePrefix,
  waitFor,
} from '@riptide/testing';
import { declareHandledJobTypes } from '@riptide/queue/testing';
import { bootApi, testEnv } from './test-app.util';

const redisUrl = testRedisUrl();
const UUID = /^[0-9a-f-]{36}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('Jobs API (booted host, real Redis, real HTTP, real fetches)', () => {
  let app: NestFastifyApplication;
  let site: FixtureSite;
  let prefix: string;
  const http = () => request(app.getHttpServer());

  const submit = (body: object) => http().post('/workers/jobs').send(body);
  const statusOf = async (id: string) =>
    (await http().get(`/workers/jobs/${id}`)).body as { status: string } & Record<string, unknown>;
  const until = (id: string, status: string, timeoutMs = 10000) =>
    waitFor(
      () => statusOf(id),
      (s) => s.status === status,
      { timeoutMs, what: `job ${id} ${status}` },
    );

  beforeAll(async () => {
    site = await startFixtureSite();
    prefix = uniquePrefix('api');
    app = await bootApi(
      redisUrl,
      testEnv(prefix, {
        WORKER_POOL_SIZE: '2',
        BODY_LIMIT_BYTES: '65536',
        WORKER_MAX_BATCH_SIZE: '5',
      }),
    );
  });

  afterAll(async () => {
    await app.close();
    await site.close();
    await deleteKeysWithPrefix(redisUrl, prefix);
  });

  it('crawls one URL: submit, status, result with the SPEC field names', async () => {
    const submitted = await submit({
      job_type: { type: 'single_crawl', url: site.url('/article'), options: null },
      metadata: { team: 'news' },
    });
    expect(submitted.status).toBe(200);
    expect(submitted.body).toEqual({
      job_id: expect.stringMatching(UUID),
      status: 'submitted',
      submitted_at: expect.stringMatching(ISO),
      message: 'Job submitted successfully',
    });
    const id = submitted.body.job_id as string;
    const done = await until(id, 'Completed');
    expect(done).toEqual({
      job_id: id,
      tenant: 'default',
      status: 'Completed',
      created_at: expect.stringMatching(ISO),
      started_at: expect.stringMatching(ISO),
      completed_at: expect.stringMatching(ISO),
      worker_id: expect.stringContaining(`:${process.pid}:`),
      retry_count: 0,
      last_error: null,
      last_error_code: null,
      processing_time_ms: expect.any(Number),
      metadata: { team: 'news' },
      job_type: { type: 'single_crawl', url: site.url('/article'), options: null },
      priority: 'Normal',
      scheduled_at: null,
      next_retry_at: null,
      progress: 0,
      max_attempts: 3,
      timeout_secs: 600,
    });
    const result = await http().get(`/workers/jobs/${id}/result`).expect(200);
    expect(result.body).toMatchObject({
      job_id: id,
      success: true,
      error: null,
      worker_id: done.worker_id,
      completed_at: expect.stringMatching(ISO),
    });
    expect(result.body.data).toMatchObject({
      url: site.url('/article'),
      final_url: site.url('/article'),
      status: 200,
      from_cache: false,
      error: null,
    });
    expect(result.body.data.document).toMatchObject({
      title: expect.any(String),
      word_count: expect.any(Number),
      reading_time: expect.any(Number),
      content_type: 'text/html',
    });
    expect(result.body.data.document.links.length).toBeGreaterThan(0);
  });

  it('crawls a batch: results in input order, per-URL failures as data, progress', async () => {
    const urls = [site.url('/status?code=404'), site.url('/article'), site.url('/plain.txt')];
    const { body } = await submit({
      job_type: { type: 'batch_crawl', urls, options: { concurrency: 3, render_mode: 'static' } },
    }).expect(200);
    const done = await until(body.job_id, 'Completed');
    expect(done.progress).toEqual({ completed: 3, total: 3, percent: 100 });
    const { body: result } = await http().get(`/workers/jobs/${body.job_id}/result`).expect(200);
    // /article was crawled by the first test: read_through serves it from the page cache.
    expect(result.data).toMatchObject({ total_urls: 3, successful: 2, failed: 1, from_cache: 1 });
    expect(result.data.results.map((r: { from_cache: boolean }) => r.from_cache)).toEqual([
      false,
      true,
      false,
    ]);
    expect(result.data.results.map((r: { url: string }) => r.url)).toEqual(urls);
    expect(result.data.results[0]).toMatchObject({
      status: 404,
      error: expect.stringContaining('404'),
      document: null,
      ignored_options: ['render_mode'],
    });
  });

  it('extracts PDFs submitted over HTTP, by URL and as base64; non-PDF bytes fail without retry', async () => {
    const byUrl = await submit({
      job_type: { type: 'pdf_extraction', url: site.url('/doc.pdf') },
    }).expect(200);
    const pdfData = buildPdfDocument({
      pages: ['Alpha page.', 'Beta page.'],
      title: 'Inline',
    }).toString('base64');
    const inline = await submit({
      job_type: { type: 'pdf_extraction', pdf_data: pdfData, options: { max_pages: 10 } },
    }).expect(200);
    const notPdf = await submit({
      job_type: {
        type: 'pdf_extraction',
        pdf_data: Buffer.from('<html>not a pdf</html>').toString('base64'),
      },
      retry_config: { max_attempts: 3 },
    }).expect(200);
    const broken = await submit({
      job_type: { type: 'pdf_extraction', pdf_data: buildMalformedPdf().toString('base64') },
      retry_config: { max_attempts: 1 },
    }).expect(200);

    await until(byUrl.body.job_id, 'Completed');
    const fromUrl = (await http().get(`/workers/jobs/${byUrl.body.job_id}/result`).expect(200)).body
      .data;
    expect(fromUrl.document).toMatchObject({
      content_type: 'application/pdf',
      pages: FIXTURE_PDF.pages.length,
      title: FIXTURE_PDF.title,
    });
    expect(fromUrl.document.text).toContain(FIXTURE_PDF.pages[1]);

    await until(inline.body.job_id, 'Completed');
    const fromData = (await http().get(`/workers/jobs/${inline.body.job_id}/result`).expect(200))
      .body.data;
    expect(fromData.document).toMatchObject({
      pages: 2,
      page_texts: ['Alpha page.', 'Beta page.'],
    });
    expect((await statusOf(inline.body.job_id)).job_type).toEqual({
      type: 'pdf_extraction',
      pdf_data_bytes: expect.any(Number),
      options: { max_pages: 10 },
    });

    const failed = await until(notPdf.body.job_id, 'Failed');
    expect(failed).toMatchObject({
      retry_count: 0,
      last_error: expect.stringMatching(/PDF|content type/i),
    });
    const dead = await waitFor(
      () => statusOf(broken.body.job_id),
      (s) => s.status === 'Failed' || s.status === 'DeadLetter',
      { what: 'malformed PDF to end' },
    );
    expect(dead.last_error).toEqual(expect.any(String));
    // The malformed PDF failed only its own job: this worker still serves the next one.
    const after = await submit({ job_type: { type: 'pdf_extraction', pdf_data: pdfData } }).expect(
      200,
    );
    await until(after.body.job_id, 'Completed');
  });

  it('runs maintenance tasks and refuses unknown ones at submission, listing the valid task types', async () => {
    const health = await submit({
      job_type: { type: 'maintenance', task_type: 'health_check' },
    }).expect(200);
    await until(health.body.job_id, 'Completed');
    const { body: result } = await http()
      .get(`/workers/jobs/${health.body.job_id}/result`)
      .expect(200);
    expect(result.data).toMatchObject({
      status: 'ok',
      redis_latency_ms: expect.any(Number),
      queue: expect.objectContaining({ pending: expect.any(Number) }),
    });
    const refusal = {
      statusCode: 400,
      error: 'Bad Request',
      message: ['job_type.task_type must be one of the maintenance tasks: cleanup, health_check'],
    };
    expect(
      (await submit({ job_type: { type: 'maintenance', task_type: 'defrag' } }).expect(400)).body,
    ).toEqual(refusal);
    const bulk = await http()
      .post('/workers/jobs/bulk')
      .send({
        jobs: [
          { job_type: { type: 'maintenance', task_type: 'defrag' } },
          { job_type: { type: 'maintenance', task_type: 'cleanup' } },
        ],
      })
      .expect(200);
    expect(bulk.body).toEqual({
      submitted: 1,
      failed: 1,
      jobs: [
        { index: 0, error: refusal },
        { index: 1, job_id: expect.stringMatching(UUID), status: 'submitted' },
      ],
    });
    const schedule = await http()
      .post('/workers/schedule')
      .send({
        name: 'defrag nightly',
        cron_expression: '@daily',
        job_template: { type: 'maintenance', task_type: 'defrag' },
      })
      .expect(400);
    expect(schedule.body).toEqual({
      ...refusal,
      message: [
        'job_template.task_type must be one of the maintenance tasks: cleanup, health_check',
      ],
    });
  });

  it('answers every error with {statusCode, error, message}', async () => {
    expect(
      (
        await http()
          .post('/workers/jobs')
          .set('content-type', 'application/json')
          .send('{"job_type":')
      ).body,
    ).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: expect.stringContaining('JSON'),
    });
    const wrongType = await http()
      .post('/workers/jobs')
      .set('content-type', 'text/plain')
      .send('hello');
    expect(wrongType.status).toBe(415);
    expect(wrongType.body).toEqual({
      statusCode: 415,
      error: 'Unsupported Media Type',
      message: expect.any(String),
    });
    const tooLarge = await submit({
      job_type: { type: 'custom', job_name: 'x', payload: 'a'.repeat(70000) },
    });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body).toEqual({
      statusCode: 413,
      error: 'Payload Too Large',
      message: expect.any(String),
    });
    expect(
      (
        await submit({
          job_type: { type: 'batch_crawl', urls: [], surprise: 1 },
          priority: 'urgent',
          timeout_secs: 0,
          extra: true,
        })
      ).body,
    ).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: [
        'property extra should not exist',
        'priority must be one of: Low, Normal, High, Critical',
        'job_type.surprise is not allowed',
        'job_type.urls must be an array of 1 to 5 URLs',
        'timeout_secs must be an integer from 1 to 3600 (JOB_MAX_TIMEOUT_SECS)',
      ],
    });
    expect(
      (
        await submit({
          job_type: { type: 'batch_crawl', urls: Array(6).fill(site.url('/')), surprise: 1 },
          timeout_secs: 0,
        })
      ).body,
    ).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: [
        'job_type.surprise is not allowed',
        'job_type.urls must be an array of 1 to 5 URLs',
        'timeout_secs must be an integer from 1 to 3600 (JOB_MAX_TIMEOUT_SECS)',
      ],
    });
    expect(
      (
        await submit({
          job_type: { type: 'pdf_extraction', url: 'file:///etc/passwd', pdf_data: 'AAAA' },
        })
      ).body.message,
    ).toEqual([
      'job_type must have exactly one of url and pdf_data',
      'job_type.url must use http or https',
    ]);
    const missing = '3f0c3a52-8d3e-4b6f-9a55-0d1d7d0c9b11';
    expect((await http().get(`/workers/jobs/${missing}`).expect(404)).body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: `Job ${missing} not found`,
    });
    expect((await http().get('/workers/jobs/not-a-uuid').expect(404)).body.message).toBe(
      'Job not-a-uuid not found',
    );
    expect((await http().get('/workers/jobs?limit=501').expect(400)).body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: ['limit must be an integer from 1 to 500'],
    });
    expect((await http().get('/workers/jobs?status=sleeping').expect(400)).body.message).toEqual([
      'status must be one of: Pending, Delayed, Processing, Retrying, Completed, Failed, DeadLetter, Cancelled',
    ]);
  });

  it('cancels, refuses to cancel finished jobs, replays, lists and counts', async () => {
    // Custom types need a worker: one elsewhere handles `nightly` (this host's workers do not); none handles `weekly`.
    await declareHandledJobTypes(redisUrl, prefix, ['custom:nightly']);
    expect(
      (await submit({ job_type: { type: 'custom', job_name: 'weekly' } }).expect(400)).body,
    ).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: ["no worker handles custom job type 'weekly'; start a worker with a handler for it"],
    });
    const later = await submit({
      job_type: { type: 'custom', job_name: 'nightly' },
      scheduled_at: new Date(Date.now() + 3600000).toISOString(),
      retry_config: { max_attempts: 1 },
    }).expect(200);
    expect((await statusOf(later.body.job_id)).status).toBe('Delayed');
    const notReady = await http().get(`/workers/jobs/${later.body.job_id}/result`).expect(404);
    expect(notReady.body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: `Result of job ${later.body.job_id} is not ready (status Delayed)`,
    });
    expect((await http().delete(`/workers/jobs/${later.body.job_id}`).expect(200)).body).toEqual({
      job_id: later.body.job_id,
      status: 'Cancelled',
    });
    expect((await statusOf(later.body.job_id)).status).toBe('Cancelled');

    const done = await submit({
      job_type: { type: 'single_crawl', url: site.url('/plain.txt') },
    }).expect(200);
    await until(done.body.job_id, 'Completed');
    expect((await http().delete(`/workers/jobs/${done.body.job_id}`).expect(409)).body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: `Job ${done.body.job_id} is already Completed and cannot be cancelled`,
    });
    expect(
      (await http().post(`/workers/jobs/${done.body.job_id}/retry`).expect(409)).body.message,
    ).toBe(
      `Job ${done.body.job_id} is Completed; only DeadLetter, Failed or Cancelled jobs can be replayed`,
    );
    // Replaying the cancelled job puts it back on the queue. This host's workers have no handler for
    // it: its one attempt is handed back for another worker and spent, so it ends DeadLetter, not lost.
    expect(
      (await http().post(`/workers/jobs/${later.body.job_id}/retry`).expect(200)).body,
    ).toEqual({
      job_id: later.body.job_id,
      status: expect.stringMatching(/Pending|Processing|DeadLetter/),
    });
    const dead = await until(later.body.job_id, 'DeadLetter');
    expect(dead.last_error).toMatch(/^worker \S+ has no handler for job type 'custom:nightly'/);

    const listed = await http()
      .get('/workers/jobs?job_type=custom:nightly&status=dead_letter')
      .expect(200);
    expect(listed.body).toMatchObject({
      total: 1,
      limit: 50,
      offset: 0,
      jobs: [{ job_id: later.body.job_id, status: 'DeadLetter' }],
    });
    const byStatus = await http().get('/workers/jobs?status=completed&limit=1').expect(200);
    expect(byStatus.body.jobs).toHaveLength(1);
    expect(byStatus.body.total).toBeGreaterThanOrEqual(4);
    const stats = await http().get('/workers/stats/queue').expect(200);
    expect(stats.body).toEqual({
      pending: 0,
      processing: 0,
      completed: byStatus.body.total,
      failed: expect.any(Number),
      retry: 0,
      delayed: 0,
      dead_letter: 1,
      cancelled: 0,
      total: expect.any(Number),
    });
    // Failed jobs so far: the PDF spec's two (an unknown maintenance task is refused at submission,
    // and the replayed job ended DeadLetter).
    expect(stats.body.failed).toBe(2);
    expect((await http().get('/workers/jobs?status=failed').expect(200)).body.total).toBe(2);
  });

  it('serves Swagger UI and an OpenAPI document covering the job endpoints', async () => {
    const doc = (await http().get('/docs-json').expect(200)).body;
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/workers/jobs',
        '/workers/jobs/{job_id}',
        '/workers/jobs/{job_id}/result',
        '/workers/jobs/{job_id}/retry',
        '/workers/stats/queue',
      ]),
    );
    expect(doc.components.schemas).toHaveProperty('BatchCrawlJobDoc');
    expect((await http().get('/docs').expect(200)).text).toContain('swagger');
  });
});
