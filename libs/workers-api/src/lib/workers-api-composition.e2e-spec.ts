import {
  ArgumentsHost,
  Body,
  Catch,
  Controller,
  ExceptionFilter,
  Get,
  HttpCode,
  NotFoundException,
  Post,
} from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AuthModule } from '@riptide/auth';
import { QueueModule } from '@riptide/queue';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix } from '@riptide/testing';
import { WorkersApiModule, WorkersApiOptions } from '../index';

const redisUrl = testRedisUrl();
const UUID = /^[0-9a-f-]{36}$/;
const UNKNOWN_JOB = '3f0c1d2e-0000-4000-8000-000000000000';

/** The application's own DTO, without class-validator decorators: its app validates nothing. */
class CreateOrderDto {
  sku!: string;
  quantity?: number;
}

/** The application's own routes, as a service importing the library would have them. */
@Controller('orders')
class OrdersController {
  @Post()
  create(@Body() order: CreateOrderDto): CreateOrderDto & { id: string } {
    return { id: 'order-1', ...order };
  }

  @Get('missing')
  missing(): never {
    throw new NotFoundException('order 42');
  }

  @Post('echo')
  @HttpCode(200)
  echo(@Body() body: unknown): unknown {
    return body;
  }
}

/** The application's own 404 body, for its routes and for unknown paths. */
@Catch(NotFoundException)
class OwnNotFoundFilter implements ExceptionFilter {
  catch(exception: NotFoundException, host: ArgumentsHost): void {
    const reply = host
      .switchToHttp()
      .getResponse<{ code(status: number): { send(body: unknown): void } }>();
    reply.code(404).send({ ok: false, reason: 'not here', detail: exception.message });
  }
}

/**
 * A host-like application: its own controller and 404 filter beside the library's module, and no
 * SchedulerModule or MetricsModule.
 */
async function bootHost(
  prefix: string,
  options?: WorkersApiOptions,
): Promise<NestFastifyApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      QueueModule.forRoot({ isGlobal: true, redisUrl, prefix, worker: { poolSize: 0 } }),
      AuthModule.forRoot({ isGlobal: true, mode: 'open', redisUrl, prefix }),
      options ? WorkersApiModule.forRoot(options) : WorkersApiModule,
    ],
    controllers: [OrdersController],
    // Installed the usual Nest way, as a global provider of the application's own module.
    providers: [{ provide: APP_FILTER, useClass: OwnNotFoundFilter }],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
    logger: false,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe('WorkersApiModule inside another application', () => {
  let app: NestFastifyApplication;
  let prefix: string;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    prefix = uniquePrefix('compose');
    app = await bootHost(prefix);
  });

  afterAll(async () => {
    await app.close();
    await deleteKeysWithPrefix(redisUrl, prefix);
  });

  it("leaves the application's own bodies alone: no validation it did not ask for", async () => {
    const created = await http()
      .post('/orders')
      .send({ sku: 'A-1', quantity: 2, note: 'gift' })
      .expect(201);
    expect(created.body).toEqual({ id: 'order-1', sku: 'A-1', quantity: 2, note: 'gift' });
    // Not converted either: the library's transform does not reach the application's routes.
    const echoed = await http().post('/orders/echo').send({ quantity: '2' }).expect(200);
    expect(echoed.body).toEqual({ quantity: '2' });
  });

  it("leaves the application's own 404 bodies alone, for its routes and unknown paths", async () => {
    expect((await http().get('/orders/missing').expect(404)).body).toEqual({
      ok: false,
      reason: 'not here',
      detail: 'order 42',
    });
    expect((await http().get('/no/such/path').expect(404)).body).toEqual({
      ok: false,
      reason: 'not here',
      detail: expect.stringContaining('/no/such/path'),
    });
  });

  it("keeps the library's own routes to their contract: validation and error shape", async () => {
    const refused = await http()
      .post('/workers/jobs')
      .send({ job_type: { type: 'single_crawl', url: 'https://example.com/' }, colour: 'blue' })
      .expect(400);
    expect(refused.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: ['property colour should not exist'],
    });
    const missing = await http().get(`/workers/jobs/${UNKNOWN_JOB}`).expect(404);
    expect(missing.body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      message: `Job ${UNKNOWN_JOB} not found`,
    });
    const submitted = await http()
      .post('/workers/jobs')
      .send({ job_type: { type: 'single_crawl', url: 'https://example.com/' }, priority: 'high' })
      .expect(200);
    expect(submitted.body).toEqual({
      job_id: expect.stringMatching(UUID),
      status: 'submitted',
      message: 'Job submitted successfully',
      submitted_at: expect.any(String),
    });
    const status = await http()
      .get(`/workers/jobs/${submitted.body.job_id as string}`)
      .expect(200);
    expect(status.body).toMatchObject({
      job_id: submitted.body.job_id,
      status: 'Pending',
      priority: 'High',
    });
  });
});

describe('WorkersApiModule without SchedulerModule or MetricsModule', () => {
  let app: NestFastifyApplication;
  let prefix: string;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    prefix = uniquePrefix('compose-nosched');
    app = await bootHost(prefix, { idempotencyTtlSecs: 60 });
  });

  afterAll(async () => {
    await app.close();
    await deleteKeysWithPrefix(redisUrl, prefix);
  });

  it('serves the job, stats and key routes', async () => {
    const job = { job_type: { type: 'single_crawl', url: 'https://example.com/' } };
    const submitted = await http()
      .post('/workers/jobs')
      .set('Idempotency-Key', 'first')
      .send(job)
      .expect(200);
    const replayed = await http()
      .post('/workers/jobs')
      .set('Idempotency-Key', 'first')
      .send(job)
      .expect(200);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(replayed.body).toEqual(submitted.body);
    const bulk = await http()
      .post('/workers/jobs/bulk')
      .send({ jobs: [job, job] })
      .expect(200);
    expect(bulk.body).toMatchObject({ submitted: 2, failed: 0 });
    const listed = await http().get('/workers/jobs').expect(200);
    expect(listed.body).toMatchObject({ total: 3, limit: 50, offset: 0 });
    const stats = await http().get('/workers/stats/queue').expect(200);
    expect(stats.body).toMatchObject({ pending: 3, total: 3 });
    const key = await http()
      .post('/admin/keys')
      .send({ name: 'ci', tenant: 'shop', scopes: ['jobs:read'] })
      .expect(201);
    expect(key.body).toMatchObject({
      name: 'ci',
      tenant: 'shop',
      scopes: ['jobs:read'],
      key: expect.stringMatching(/^rt_/),
    });
    const keys = await http().get('/admin/keys').expect(200);
    expect(keys.body).toEqual([expect.objectContaining({ id: key.body.id, name: 'ci' })]);
  });

  it('refuses with 400, naming it, a custom job type that no worker of the queue has registered', async () => {
    const message =
      "no worker handles custom job type 'render-invoice'; start a worker with a handler for it";
    const single = await http()
      .post('/workers/jobs')
      .send({ job_type: { type: 'custom', job_name: 'render-invoice' } })
      .expect(400);
    expect(single.body).toEqual({ statusCode: 400, error: 'Bad Request', message: [message] });
    const bulk = await http()
      .post('/workers/jobs/bulk')
      .send({
        jobs: [
          { job_type: { type: 'custom', job_name: 'render-invoice' } },
          { job_type: { type: 'maintenance', task_type: 'health_check' } },
        ],
      })
      .expect(200);
    expect(bulk.body).toEqual({
      submitted: 1,
      failed: 1,
      jobs: [
        { index: 0, error: { statusCode: 400, error: 'Bad Request', message: [message] } },
        { index: 1, job_id: expect.stringMatching(UUID), status: 'submitted' },
      ],
    });
  });

  it('serves no schedule routes: they are unknown paths of the application', async () => {
    const answer = await http().get('/workers/schedule').expect(404);
    expect(answer.body).toEqual({
      ok: false,
      reason: 'not here',
      detail: expect.stringContaining('/workers/schedule'),
    });
    await http()
      .post('/workers/schedule')
      .send({
        name: 'n',
        cron_expression: '0 3 * * *',
        job_template: { type: 'single_crawl', url: 'https://example.com/' },
      })
      .expect(404);
  });

  it('serves no metrics, Prometheus or health routes without metrics: true, and needs no MetricsModule', async () => {
    for (const path of [
      '/workers/metrics',
      '/workers/stats/workers',
      '/metrics',
      '/health',
      '/health/live',
    ]) {
      const answer = await http().get(path).expect(404);
      expect(answer.body).toEqual({
        ok: false,
        reason: 'not here',
        detail: expect.stringContaining(path),
      });
    }
  });
});
