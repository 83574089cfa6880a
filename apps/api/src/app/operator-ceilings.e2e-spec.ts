import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix } from '@riptide/testing';
import request from 'supertest';
import { bootApi, testEnv } from './test-app.util';

const redisUrl = testRedisUrl();

describe('Operator ceilings (booted host, real HTTP)', () => {
  const booted: { app: NestFastifyApplication; prefix: string }[] = [];

  async function boot(extra: Record<string, string> = {}): Promise<NestFastifyApplication> {
    const prefix = uniquePrefix('ceilings');
    const app = await bootApi(redisUrl, testEnv(prefix, { WORKER_POOL_SIZE: '0', ...extra }));
    booted.push({ app, prefix });
    return app;
  }

  afterAll(async () => {
    for (const { app, prefix } of booted) {
      await app.close();
      await deleteKeysWithPrefix(redisUrl, prefix);
    }
  });

  const greedy = {
    job_type: {
      type: 'single_crawl',
      url: 'https://example.com/',
      options: { respect_robots: false, timeout_ms: 300000, max_bytes: 100 * 1024 * 1024 },
    },
    timeout_secs: 86400,
  };

  it('refuses a job beyond the defaults with 400, naming every ceiling in one answer', async () => {
    const app = await boot();
    const refused = await request(app.getHttpServer())
      .post('/workers/jobs')
      .send(greedy)
      .expect(400);
    expect(refused.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: [
        'job_type.options.respect_robots may be false only where CRAWL_ALLOW_ROBOTS_OVERRIDE=true',
        'job_type.options.timeout_ms must be at most 120000 (CRAWL_MAX_TIMEOUT_MS)',
        'job_type.options.max_bytes must be at most 52428800 (CRAWL_MAX_BYTES_CEILING)',
        'timeout_secs must be an integer from 1 to 3600 (JOB_MAX_TIMEOUT_SECS)',
      ],
    });
    const pdf = await request(app.getHttpServer())
      .post('/workers/jobs')
      .send({
        job_type: {
          type: 'pdf_extraction',
          url: 'https://example.com/a.pdf',
          options: { max_bytes: 52428801, timeout_ms: 120001 },
        },
      })
      .expect(400);
    expect(pdf.body.message).toEqual([
      'job_type.options.max_bytes must be at most 52428800 (CRAWL_MAX_BYTES_CEILING)',
      'job_type.options.timeout_ms must be at most 120000 (CRAWL_MAX_TIMEOUT_MS)',
    ]);
    // Schedule templates are held to the same ceilings.
    const schedule = await request(app.getHttpServer())
      .post('/workers/schedule')
      .send({
        name: 'greedy',
        cron_expression: '@daily',
        job_template: greedy.job_type,
        timeout_secs: 86400,
      })
      .expect(400);
    expect(schedule.body.message).toEqual([
      'job_template.options.respect_robots may be false only where CRAWL_ALLOW_ROBOTS_OVERRIDE=true',
      'job_template.options.timeout_ms must be at most 120000 (CRAWL_MAX_TIMEOUT_MS)',
      'job_template.options.max_bytes must be at most 52428800 (CRAWL_MAX_BYTES_CEILING)',
      'timeout_secs must be an integer from 1 to 3600 (JOB_MAX_TIMEOUT_SECS)',
    ]);
  });

  it('follows the operator: raised ceilings and the robots override accept the same job', async () => {
    const app = await boot({
      JOB_MAX_TIMEOUT_SECS: '86400',
      CRAWL_MAX_TIMEOUT_MS: '300000',
      CRAWL_MAX_BYTES_CEILING: String(100 * 1024 * 1024),
      CRAWL_ALLOW_ROBOTS_OVERRIDE: 'true',
    });
    const accepted = await request(app.getHttpServer())
      .post('/workers/jobs')
      .send(greedy)
      .expect(200);
    const view = await request(app.getHttpServer())
      .get(`/workers/jobs/${accepted.body.job_id}`)
      .expect(200);
    expect(view.body.job_type.options).toMatchObject({
      respect_robots: false,
      timeout_ms: 300000,
      max_bytes: 100 * 1024 * 1024,
    });
  });

  it('documents the ceilings in the OpenAPI schema', async () => {
    const app = await boot();
    const schemas = (await request(app.getHttpServer()).get('/docs-json').expect(200)).body
      .components.schemas;
    expect(schemas.CrawlOptionsDoc.properties.timeout_ms).toMatchObject({
      maximum: 120000,
      description: expect.stringContaining('CRAWL_MAX_TIMEOUT_MS'),
    });
    expect(schemas.CrawlOptionsDoc.properties.max_bytes).toMatchObject({
      maximum: 52428800,
      description: expect.stringContaining('CRAWL_MAX_BYTES_CEILING'),
    });
    expect(schemas.CrawlOptionsDoc.properties.respect_robots.description).toContain(
      'CRAWL_ALLOW_ROBOTS_OVERRIDE',
    );
    expect(schemas.PdfExtractionOptionsDoc.properties.max_bytes).toMatchObject({
      maximum: 52428800,
    });
    expect(schemas.SubmitJobDto.properties.timeout_secs).toMatchObject({
      maximum: 3600,
      description: expect.stringContaining('JOB_MAX_TIMEOUT_SECS'),
    });
  });
});
