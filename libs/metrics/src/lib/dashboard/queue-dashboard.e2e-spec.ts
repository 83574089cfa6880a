import { Controller, DynamicModule, Get, Injectable, Module } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CustomJobHandler, JobSubmission, QueueService } from '@riptide/queue';
import { TestJobHandlersModule } from '@riptide/queue/testing';
import {
  FIXTURE_PDF,
  buildPdfDocument,
  deleteKeysWithPrefix,
  testRedisUrl,
  uniquePrefix,
  waitFor,
} from '@riptide/testing';
import { existsSync } from 'node:fs';
import { Browser, BrowserContext, Page, chromium } from 'playwright-core';
import request from 'supertest';
import { closeAll, createHttpApp } from '../../testing/metrics-test.util';
import { basicAuthPassword } from '@riptide/auth';
import {
  DASHBOARD_AUTH_CHALLENGE,
  DASHBOARD_UNAUTHORIZED_BODY,
  mountQueueDashboard,
} from './queue-dashboard.util';

const url = testRedisUrl();
const CHROMIUM = '/usr/bin/chromium';
const ADMIN_KEY = 'secret-admin-key-3f9c2a7d';
const echo: JobSubmission = { jobType: { type: 'custom', jobName: 'echo' } };
const PDF_BASE64 = buildPdfDocument(FIXTURE_PDF).toString('base64');
// Made by the handler, so it can only reach the board through the job's result.
const RESULT_SECRET = 'result-body-only-7b1e54c0';

@Injectable()
class SecretResultHandler {
  @CustomJobHandler('secret-result')
  async run() {
    return { body: RESULT_SECRET };
  }
}
@Module({ providers: [SecretResultHandler] })
class SecretResultModule {}
const secretResultModule: DynamicModule = { module: SecretResultModule };

// Routes of the application beside the dashboard, one of them sharing the start of its path.
@Controller()
class OutsideController {
  @Get('outside')
  outside() {
    return { outside: true };
  }

  @Get('admin/queues-elsewhere')
  lookalike() {
    return { lookalike: true };
  }
}
@Module({ controllers: [OutsideController] })
class OutsideModule {}
const outsideModule: DynamicModule = { module: OutsideModule };

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** The first 16-character slice of `secret` (taken every 8 characters) that `text` contains, or null. */
function leakedPart(text: string, secret: string): string | null {
  for (let i = 0; i + 16 <= secret.length; i += 8)
    if (text.includes(secret.slice(i, i + 16))) return secret.slice(i, i + 16);
  return text.includes(secret.slice(-16)) ? secret.slice(-16) : null;
}

/** Opens every folded node of the board's JSON views, so the page shows all it was sent. */
async function unfoldJson(page: Page): Promise<void> {
  const folded = page.getByRole('button', { name: 'expand JSON' });
  for (let i = 0; i < 100 && (await folded.count()) > 0; i++) await folded.first().click();
  expect(await folded.count()).toBe(0);
}

describe('bull-board dashboard at /admin/queues', () => {
  const prefix = uniquePrefix('dashboard');
  const apps: NestFastifyApplication[] = [];
  let baseUrl: string;
  let browser: Browser;
  let context: BrowserContext;
  let pdfJobId: string;
  let resultJobId: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does)`);
    // A worker app runs the one job that completes, then leaves so the other jobs stay waiting.
    const workerApps: NestFastifyApplication[] = [
      await createHttpApp(
        {
          redisUrl: url,
          prefix,
          worker: {
            poolSize: 1,
            lockDurationMs: 2000,
            stalledIntervalMs: 1000,
            shutdownGraceMs: 300,
          },
        },
        {},
        [TestJobHandlersModule.register({ redisUrl: url, prefix }), secretResultModule],
      ),
    ];
    const workerQueue = workerApps[0].get(QueueService);
    resultJobId = (
      await workerQueue.submit({ jobType: { type: 'custom', jobName: 'secret-result' } })
    ).jobId;
    await waitFor(
      () => workerQueue.getJob(resultJobId),
      (job) => job.status === 'Completed',
      { what: 'the secret-result job to complete' },
    );
    await closeAll(workerApps);

    const api = await createHttpApp(
      { redisUrl: url, prefix, worker: { poolSize: 0 } },
      {},
      [outsideModule],
      (app) =>
        mountQueueDashboard(app, {
          authorize: (headers) => basicAuthPassword(headers) === ADMIN_KEY,
        }),
    );
    apps.push(api);
    await api.listen(0, '127.0.0.1');
    baseUrl = await api.getUrl();
    const queue = api.get(QueueService);
    for (let i = 0; i < 3; i++) await queue.submit(echo);
    await queue.submit({ ...echo, scheduledAt: new Date(Date.now() + 3600_000) });
    pdfJobId = (await queue.submit({ jobType: { type: 'pdf_extraction', pdfData: PDF_BASE64 } }))
      .jobId;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    context = await browser.newContext({
      httpCredentials: { username: 'admin', password: ADMIN_KEY },
    });
  }, 60000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await closeAll(apps);
    await deleteKeysWithPrefix(url, prefix);
  });

  const admin = (path: string) =>
    request(baseUrl).get(path).set('Authorization', basic('admin', ADMIN_KEY));

  it('refuses the page, its assets and its API without the admin key', async () => {
    const assets = (await admin('/admin/queues').expect(200)).text.match(/static\/[^"']+\.js/);
    expect(assets).not.toBeNull();
    for (const path of [
      '/admin/queues',
      '/admin/queues/',
      '/admin/queues/queue/jobs',
      `/admin/queues/${assets?.[0]}`,
      '/admin/queues/api/queues',
    ]) {
      for (const authorization of [
        undefined,
        basic('admin', 'wrong-key'),
        `Bearer ${ADMIN_KEY}`,
        basic('admin', ''),
      ]) {
        const req = request(baseUrl).get(path);
        const res = await (authorization ? req.set('Authorization', authorization) : req);
        expect({ path, authorization, status: res.status }).toEqual({
          path,
          authorization,
          status: 401,
        });
        expect(res.headers['www-authenticate']).toBe(DASHBOARD_AUTH_CHALLENGE);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.body).toEqual(DASHBOARD_UNAUTHORIZED_BODY);
      }
    }
    expect(DASHBOARD_AUTH_CHALLENGE).toBe('Basic realm="RipTide Workers", charset="UTF-8"');
    expect(DASHBOARD_UNAUTHORIZED_BODY).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'The dashboard needs the admin key as the HTTP Basic password',
    });
    // Any user name will do; the password is what counts.
    await request(baseUrl)
      .get('/admin/queues/api/queues')
      .set('Authorization', basic('someone-else', ADMIN_KEY))
      .expect(200);
    await admin(`/admin/queues/${assets?.[0]}`).expect(200);
  });

  it('leaves the rest of the application alone', async () => {
    const outside = await request(baseUrl).get('/outside').expect(200);
    expect(outside.body).toEqual({ outside: true });
    expect(outside.headers['www-authenticate']).toBeUndefined();
    // A path that only starts like the dashboard's is not under it.
    const lookalike = await request(baseUrl).get('/admin/queues-elsewhere').expect(200);
    expect(lookalike.body).toEqual({ lookalike: true });
    expect(lookalike.headers['www-authenticate']).toBeUndefined();
    const missing = await request(baseUrl).get('/no-such-route');
    expect(missing.status).toBe(404);
    expect(missing.headers['www-authenticate']).toBeUndefined();
    expect(missing.body).not.toEqual(DASHBOARD_UNAUTHORIZED_BODY);
  });

  it('shows the queue and its counts in a real browser', async () => {
    const page = await context.newPage();
    await page.goto(`${baseUrl}/admin/queues`);
    await page.getByText('RipTide Workers').first().waitFor({ timeout: 20000 });
    // The overview card of the queue (named after the bull queue, `jobs`) with its counts.
    const card = page.locator('a[href*="/queue/"]').filter({ hasText: 'jobs' }).first();
    await card.waitFor({ timeout: 20000 });
    await expect(card.innerText()).resolves.toMatch(/jobs/);
    await page.goto(`${baseUrl}/admin/queues/queue/jobs?status=waiting`);
    await page
      .getByText(/waiting/i)
      .first()
      .waitFor({ timeout: 20000 });
    const text = await page.locator('body').innerText();
    expect(text).toMatch(/waiting\s*4/i);
    expect(text).toMatch(/delayed\s*1/i);
    expect(text).toMatch(/completed\s*1/i);
    await page.close();
  }, 60000);

  it('never shows the base64 PDF of a pdf_extraction job', async () => {
    for (const path of [
      `/admin/queues/api/queues?activeQueue=jobs&status=waiting`,
      `/admin/queues/api/queues/jobs/${pdfJobId}`,
    ]) {
      const res = await admin(path).expect(200);
      expect({ path, leaked: leakedPart(res.text, PDF_BASE64) }).toEqual({ path, leaked: null });
    }
    const { body } = await admin(`/admin/queues/api/queues/jobs/${pdfJobId}`).expect(200);
    expect(body.job).toMatchObject({
      name: 'pdf_extraction',
      data: { record: { jobType: { type: 'pdf_extraction', pdfData: '[redacted]' } } },
    });

    const page = await context.newPage();
    await page.goto(`${baseUrl}/admin/queues/queue/jobs/${pdfJobId}`);
    await page.getByText('jobType:').first().waitFor({ timeout: 20000 });
    await unfoldJson(page);
    await page.getByText('"[redacted]"').first().waitFor({ timeout: 20000 });
    expect(leakedPart(await page.content(), PDF_BASE64)).toBeNull();
    expect(leakedPart(await page.locator('body').innerText(), PDF_BASE64)).toBeNull();
    await page.close();
    // Only the view is redacted: the stored job still has its PDF for the worker.
    expect((await apps[0].get(QueueService).getJob(pdfJobId)).jobType).toEqual({
      type: 'pdf_extraction',
      pdfData: PDF_BASE64,
    });
  }, 60000);

  it("never shows a completed job's result body, only its summary", async () => {
    for (const path of [
      `/admin/queues/api/queues?activeQueue=jobs&status=completed`,
      `/admin/queues/api/queues/jobs/${resultJobId}`,
    ]) {
      const res = await admin(path).expect(200);
      expect({ path, leaked: res.text.includes(RESULT_SECRET) }).toEqual({ path, leaked: false });
    }
    const { body } = await admin(`/admin/queues/api/queues/jobs/${resultJobId}`).expect(200);
    expect(body.job.returnValue).toEqual({
      processingTimeMs: expect.any(Number),
      workerId: expect.any(String),
      completedAt: expect.any(Number),
      data: '[redacted]',
    });

    const page = await context.newPage();
    await page.goto(`${baseUrl}/admin/queues/queue/jobs/${resultJobId}`);
    await page.getByText('returnValue:').first().waitFor({ timeout: 20000 });
    await unfoldJson(page);
    await page.getByText('"[redacted]"').first().waitFor({ timeout: 20000 });
    await expect(page.locator('body').innerText()).resolves.toMatch(/processingTimeMs/);
    expect({ leaked: (await page.content()).includes(RESULT_SECRET) }).toEqual({ leaked: false });
    await page.close();
    expect((await apps[0].get(QueueService).getResult(resultJobId)).data).toEqual({
      body: RESULT_SECRET,
    });
  }, 60000);

  it('is read-only: the API refuses changes', async () => {
    const res = await request(baseUrl)
      .put('/admin/queues/api/queues/jobs/clean/waiting')
      .set('Authorization', basic('admin', ADMIN_KEY));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).not.toBe(401);
    const queues = await admin('/admin/queues/api/queues').expect(200);
    const jobs = queues.body.queues.find((q: { name: string }) => q.name === 'jobs');
    expect(jobs).toMatchObject({
      name: 'jobs',
      readOnlyMode: true,
      counts: expect.objectContaining({ waiting: 4, delayed: 1 }),
    });
    expect(await apps[0].get(QueueService).counts()).toMatchObject({ pending: 4, delayed: 1 });
  });
});
