import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { JobSubmission, QueueService } from '@riptide/queue';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix } from '@riptide/testing';
import { existsSync } from 'node:fs';
import { Browser, chromium } from 'playwright-core';
import request from 'supertest';
import { closeAll, createHttpApp } from '../../testing/metrics-test.util';
import { mountQueueDashboard } from './queue-dashboard.util';

const url = testRedisUrl();
const CHROMIUM = '/usr/bin/chromium';
const echo: JobSubmission = { jobType: { type: 'custom', jobName: 'echo' } };

describe('bull-board dashboard at /admin/queues', () => {
  const prefix = uniquePrefix('dashboard');
  const apps: NestFastifyApplication[] = [];
  let baseUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (.ci/run does)`);
    const api = await createHttpApp({ redisUrl: url, prefix, worker: { poolSize: 0 } }, {}, [], (app) => mountQueueDashboard(app));
    apps.push(api);
    await api.listen(0, '127.0.0.1');
    baseUrl = await api.getUrl();
    const queue = api.get(QueueService);
    for (let i = 0; i < 3; i++) await queue.submit(echo);
    await queue.submit({ ...echo, scheduledAt: new Date(Date.now() + 3600_000) });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  }, 60000);

  afterAll(async () => {
    await browser?.close();
    await closeAll(apps);
    await deleteKeysWithPrefix(url, prefix);
  });

  it('shows the queue and its counts in a real browser', async () => {
    const page = await browser.newPage();
    await page.goto(`${baseUrl}/admin/queues`);
    await page.getByText('RipTide Workers').first().waitFor({ timeout: 20000 });
    // The overview card of the queue (named after the bull queue, `jobs`) with its counts.
    const card = page.locator('a[href*="/queue/"]').filter({ hasText: 'jobs' }).first();
    await card.waitFor({ timeout: 20000 });
    await expect(card.innerText()).resolves.toMatch(/jobs/);
    await page.goto(`${baseUrl}/admin/queues/queue/jobs?status=waiting`);
    await page.getByText(/waiting/i).first().waitFor({ timeout: 20000 });
    const text = await page.locator('body').innerText();
    expect(text).toMatch(/waiting\s*3/i);
    expect(text).toMatch(/delayed\s*1/i);
    await page.close();
  }, 60000);

  it('is read-only: the API refuses changes', async () => {
    const res = await request(baseUrl).put('/admin/queues/api/queues/jobs/clean/waiting');
    expect(res.status).toBeGreaterThanOrEqual(400);
    const queues = await request(baseUrl).get('/admin/queues/api/queues').expect(200);
    const jobs = queues.body.queues.find((q: { name: string }) => q.name === 'jobs');
    expect(jobs).toMatchObject({ name: 'jobs', readOnlyMode: true, counts: expect.objectContaining({ waiting: 3, delayed: 1 }) });
    expect(await apps[0].get(QueueService).counts()).toMatchObject({ pending: 3, delayed: 1 });
  });
});
