import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AuthModule } from '@riptide/auth';
import { QueueModule } from '@riptide/queue';
import { SchedulerModule } from '@riptide/scheduler';
import { declareHandledJobTypes } from '@riptide/queue/testing';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix, waitFor } from '@riptide/testing';
import { setupWorkersApiDocs, useApiErrorShapeForFastify } from '../http/configure-http';
import { WorkersApiModule } from '../workers-api.module';

const redisUrl = testRedisUrl();
const UUID = /^[0-9a-f-]{36}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DEFAULT_RETRY = {
  max_attempts: 3,
  initial_delay_secs: 30,
  backoff_multiplier: 2,
  max_delay_secs: 300,
  use_jitter: true,
};
const UNKNOWN = '3f0c1d2e-0000-4000-8000-000000000000';

describe('Schedule endpoints (Fastify, real Redis)', () => {
  let app: NestFastifyApplication;
  let prefix: string;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    prefix = uniquePrefix('sched-api');
    // The templates' custom type: a worker with an `echo` handler serves the queue.
    await declareHandledJobTypes(redisUrl, prefix, ['custom:echo']);
    const moduleRef = await Test.createTestingModule({
      imports: [
        QueueModule.forRoot({ isGlobal: true, redisUrl, prefix, worker: { poolSize: 0 } }),
        SchedulerModule.forRoot({
          isGlobal: true,
          redisUrl,
          prefix,
          maxSchedules: 3,
          minIntervalSecs: 1,
          enabled: true,
        }),
        AuthModule.forRoot({ isGlobal: true, mode: 'open', redisUrl, prefix }),
        WorkersApiModule.forRoot({ schedules: true }),
      ],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    useApiErrorShapeForFastify(app);
    setupWorkersApiDocs(app);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app.close();
    await deleteKeysWithPrefix(redisUrl, prefix);
  });

  afterEach(async () => {
    const list = await http().get('/workers/schedule');
    for (const schedule of list.body as { id: string }[])
      await http().delete(`/workers/schedule/${schedule.id}`);
  });

  it('creates a schedule and returns it whole; GET returns the same', async () => {
    const created = await http()
      .post('/workers/schedule')
      .send({
        name: 'nightly crawl',
        cron_expression: '0 3 * * *',
        job_template: {
          type: 'batch_crawl',
          urls: ['https://example.com/a'],
          options: { cache_mode: 'bypass' },
        },
        priority: 'high',
        retry_config: { max_attempts: 5 },
        metadata: { team: 'seo' },
        timeout_secs: 120,
        timezone: 'Europe/Berlin',
      })
      .expect(200);
    expect(created.body).toEqual({
      id: expect.stringMatching(UUID),
      tenant: 'default',
      name: 'nightly crawl',
      cron_expression: '0 3 * * *',
      enabled: true,
      priority: 'High',
      created_at: expect.stringMatching(ISO),
      last_executed_at: null,
      next_execution_at: expect.stringMatching(ISO),
      execution_count: 0,
      skipped_count: 0,
      last_job_id: null,
      timezone: 'Europe/Berlin',
      job_template: {
        type: 'batch_crawl',
        urls: ['https://example.com/a'],
        options: { cache_mode: 'bypass' },
      },
      retry_config: { ...DEFAULT_RETRY, max_attempts: 5 },
      metadata: { team: 'seo' },
      timeout_secs: 120,
      overlap: 'allow',
    });
    const next = new Date(created.body.next_execution_at as string);
    expect(
      next.toLocaleString('en-GB', {
        timeZone: 'Europe/Berlin',
        hour: '2-digit',
        minute: '2-digit',
      }),
    ).toBe('03:00');
    expect((await http().get(`/workers/schedule/${created.body.id}`).expect(200)).body).toEqual(
      created.body,
    );
    expect((await http().get('/workers/schedule').expect(200)).body).toEqual([created.body]);
  });

  it('applies defaults: UTC, Normal, allow, queue retry and timeout defaults', async () => {
    const created = await http()
      .post('/workers/schedule')
      .send({
        name: 'ping',
        cron_expression: '@daily',
        job_template: { type: 'custom', job_name: 'echo' },
      })
      .expect(200);
    expect(created.body).toMatchObject({
      cron_expression: '@daily',
      timezone: 'UTC',
      priority: 'Normal',
      overlap: 'allow',
      enabled: true,
      retry_config: DEFAULT_RETRY,
      timeout_secs: 600,
      metadata: {},
      job_template: { type: 'custom', job_name: 'echo', payload: null },
    });
    expect((created.body.next_execution_at as string).endsWith('T00:00:00.000Z')).toBe(true);
  });

  it('refuses with 400 a template of a custom job type that no worker of the queue has registered', async () => {
    const refused = await http()
      .post('/workers/schedule')
      .send({
        name: 'n',
        cron_expression: '@daily',
        job_template: { type: 'custom', job_name: 'nobody' },
      })
      .expect(400);
    expect(refused.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: ["no worker handles custom job type 'nobody'; start a worker with a handler for it"],
    });
  });

  it('refuses invalid bodies with 400 and every problem listed', async () => {
    const bad = await http()
      .post('/workers/schedule')
      .send({
        name: 'x',
        cron_expression: '61 * * * *',
        timezone: 'Mars/Olympus',
        job_template: { type: 'single_crawl', url: 'https://example.com', extra: 1 },
      })
      .expect(400);
    expect(bad.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: [
        'job_template.extra is not allowed',
        'timezone "Mars/Olympus" is not a known IANA time zone (for example "UTC", "Europe/Berlin", "America/New_York")',
        'cron_expression is invalid: Constraint error, got value 61 expected range 0-59',
      ],
    });

    const cron = await http()
      .post('/workers/schedule')
      .send({
        name: 'x',
        cron_expression: '61 * * * *',
        timezone: 'Mars/Olympus',
        job_template: { type: 'single_crawl', url: 'https://example.com' },
      })
      .expect(400);
    expect(cron.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: [
        'timezone "Mars/Olympus" is not a known IANA time zone (for example "UTC", "Europe/Berlin", "America/New_York")',
        'cron_expression is invalid: Constraint error, got value 61 expected range 0-59',
      ],
    });

    const fields = await http()
      .post('/workers/schedule')
      .send({
        name: 'x',
        cron_expression: '* * * *',
        job_template: { type: 'custom', job_name: 'bad name' },
      })
      .expect(400);
    expect(fields.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: [
        'cron_expression must have 5 fields (minute hour day-of-month month day-of-week), 6 with leading seconds, or be a macro (@yearly, @annually, @monthly, @weekly, @daily, @hourly, @minutely, @secondly, @weekdays, @weekends); got 4 field(s)',
        'job_template.job_name must be 1-128 characters of letters, digits, _ . : -',
      ],
    });

    const dto = await http()
      .post('/workers/schedule')
      .send({ cron_expression: 5, priority: 'urgent', overlap: 'never', job_template: 'x' })
      .expect(400);
    expect(dto.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: expect.arrayContaining([
        'name must be a string',
        'cron_expression must be a string',
        'job_template must be an object',
        'priority must be one of: Low, Normal, High, Critical',
        'overlap must be one of: allow, skip',
      ]),
    });
    expect((await http().get('/workers/schedule').expect(200)).body).toEqual([]);
  });

  it('answers 404 for unknown schedules on every route', async () => {
    const notFound = (id: string) => ({
      statusCode: 404,
      error: 'Not Found',
      message: `Schedule ${id} not found`,
    });
    expect((await http().get(`/workers/schedule/${UNKNOWN}`).expect(404)).body).toEqual(
      notFound(UNKNOWN),
    );
    expect((await http().get('/workers/schedule/nope').expect(404)).body).toEqual(notFound('nope'));
    expect(
      (await http().patch(`/workers/schedule/${UNKNOWN}`).send({ enabled: false }).expect(404))
        .body,
    ).toEqual(notFound(UNKNOWN));
    expect((await http().post(`/workers/schedule/${UNKNOWN}/trigger`).expect(404)).body).toEqual(
      notFound(UNKNOWN),
    );
    expect((await http().delete(`/workers/schedule/${UNKNOWN}`).expect(404)).body).toEqual(
      notFound(UNKNOWN),
    );
  });

  it('refuses a schedule beyond SCHEDULER_MAX_SCHEDULES with 409', async () => {
    const body = {
      name: 'n',
      cron_expression: '@hourly',
      job_template: { type: 'custom', job_name: 'echo' },
    };
    for (let i = 0; i < 3; i++) await http().post('/workers/schedule').send(body).expect(200);
    const over = await http().post('/workers/schedule').send(body).expect(409);
    expect(over.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message:
        'Schedule limit reached: at most 3 schedules may exist (SCHEDULER_MAX_SCHEDULES); delete one or raise the limit',
    });
  });

  it('PATCHes cron, time zone, enabled, priority, template, retry, metadata and overlap', async () => {
    const created = (
      await http()
        .post('/workers/schedule')
        .send({
          name: 'report',
          cron_expression: '0 9 * * 1',
          job_template: { type: 'custom', job_name: 'echo' },
        })
        .expect(200)
    ).body as Record<string, unknown>;
    const patched = await http()
      .patch(`/workers/schedule/${created.id}`)
      .send({
        cron_expression: '30 14 * * *',
        timezone: 'America/New_York',
        priority: 'LOW',
        job_template: {
          type: 'maintenance',
          task_type: 'cleanup',
          parameters: { older_than_secs: 60 },
        },
        retry_config: { use_jitter: false },
        metadata: { owner: 'ops' },
        overlap: 'skip',
      })
      .expect(200);
    expect(patched.body).toEqual({
      ...created,
      cron_expression: '30 14 * * *',
      timezone: 'America/New_York',
      priority: 'Low',
      job_template: {
        type: 'maintenance',
        task_type: 'cleanup',
        parameters: { older_than_secs: 60 },
      },
      retry_config: { ...DEFAULT_RETRY, use_jitter: false },
      metadata: { owner: 'ops' },
      overlap: 'skip',
      next_execution_at: expect.stringMatching(ISO),
    });
    const next = new Date(patched.body.next_execution_at as string);
    expect(
      next.toLocaleString('en-GB', {
        timeZone: 'America/New_York',
        hour: '2-digit',
        minute: '2-digit',
      }),
    ).toBe('14:30');

    const disabled = await http()
      .patch(`/workers/schedule/${created.id}`)
      .send({ enabled: false })
      .expect(200);
    expect(disabled.body).toEqual({ ...patched.body, enabled: false, next_execution_at: null });
    const enabled = await http()
      .patch(`/workers/schedule/${created.id}`)
      .send({ enabled: true })
      .expect(200);
    expect(enabled.body).toEqual(patched.body);

    const invalid = await http()
      .patch(`/workers/schedule/${created.id}`)
      .send({ timezone: 'Nowhere/Land', cron_expression: '0 0 30 2 *' })
      .expect(400);
    expect(invalid.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: [
        'timezone "Nowhere/Land" is not a known IANA time zone (for example "UTC", "Europe/Berlin", "America/New_York")',
        'cron_expression is invalid: Invalid explicit day of month definition',
      ],
    });
    const unknownField = await http()
      .patch(`/workers/schedule/${created.id}`)
      .send({ execution_count: 7 })
      .expect(400);
    expect(unknownField.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: ['property execution_count should not exist'],
    });
    expect((await http().get(`/workers/schedule/${created.id}`).expect(200)).body).toEqual(
      patched.body,
    );
  });

  it('documents every schedule endpoint in the OpenAPI document', async () => {
    const doc = (await http().get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(doc.paths['/workers/schedule']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/workers/schedule/{id}']).sort()).toEqual([
      'delete',
      'get',
      'patch',
    ]);
    expect(Object.keys(doc.paths['/workers/schedule/{id}/trigger'])).toEqual(['post']);
  });

  it('triggers a run now and fires due slots with the schedule metadata', async () => {
    const created = (
      await http()
        .post('/workers/schedule')
        .send({
          name: 'every second',
          cron_expression: '* * * * * *',
          job_template: { type: 'custom', job_name: 'echo' },
          metadata: { team: 'qa' },
        })
        .expect(200)
    ).body as { id: string };
    const trigger = await http().post(`/workers/schedule/${created.id}/trigger`).expect(200);
    expect(trigger.body).toEqual({ job_id: expect.stringMatching(UUID) });
    const job = await http().get(`/workers/jobs/${trigger.body.job_id}`).expect(200);
    expect(job.body.metadata).toEqual({
      team: 'qa',
      scheduled_job_id: created.id,
      scheduled_job_name: 'every second',
      execution_count: 1,
    });

    const fired = await waitFor(
      async () =>
        (await http().get(`/workers/schedule/${created.id}`)).body as {
          execution_count: number;
          last_job_id: string;
          last_executed_at: string;
        },
      (s) => s.execution_count >= 3,
      { timeoutMs: 4000, what: 'the schedule to fire' },
    );
    expect(fired.last_executed_at).toMatch(ISO);
    const last = await http().get(`/workers/jobs/${fired.last_job_id}`).expect(200);
    expect(last.body.metadata).toMatchObject({
      team: 'qa',
      scheduled_job_id: created.id,
      scheduled_job_name: 'every second',
    });

    await http().delete(`/workers/schedule/${created.id}`).expect(204, '');
    const count = (await http().get(`/workers/jobs?search=${created.id}`).expect(200)).body
      .total as number;
    await new Promise((r) => setTimeout(r, 1500));
    expect((await http().get(`/workers/jobs?search=${created.id}`).expect(200)).body.total).toBe(
      count,
    );
    await http().get(`/workers/schedule/${created.id}`).expect(404);
  });
});
