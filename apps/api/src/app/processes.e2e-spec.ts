import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { RedisServerProcess } from '@riptide/host';
import {
  FixtureSite,
  deleteKeysWithPrefix,
  startFixtureSite,
  testRedisUrl,
  uniquePrefix,
  waitFor,
} from '@riptide/testing';
import { bootApi, spawnWorker, testEnv, waitForExit } from './test-app.util';

const redisUrl = testRedisUrl();

describe('Across real processes', () => {
  let site: FixtureSite;
  let prefix: string;
  let api: NestFastifyApplication;
  const workers: ReturnType<typeof spawnWorker>[] = [];
  const http = () => request(api.getHttpServer());
  const statusOf = async (id: string) =>
    (await http().get(`/workers/jobs/${id}`)).body as Record<string, string>;
  const until = (
    id: string,
    accept: (s: Record<string, string>) => boolean,
    what: string,
    timeoutMs = 15000,
  ) => waitFor(() => statusOf(id), accept, { timeoutMs, what, intervalMs: 50 });

  beforeAll(async () => {
    site = await startFixtureSite();
  });

  beforeEach(async () => {
    prefix = uniquePrefix('proc');
    // This process only serves the API; the work happens in headless worker processes.
    api = await bootApi(redisUrl, testEnv(prefix, { WORKER_POOL_SIZE: '0' }));
  });

  afterEach(async () => {
    for (const worker of workers.splice(0)) {
      worker.kill('SIGKILL');
      await waitForExit(worker);
    }
    await api.close();
    await deleteKeysWithPrefix(redisUrl, prefix);
    site.reset();
  });

  afterAll(async () => {
    await site.close();
  });

  it('cancels a job running in another process: that process aborts it', async () => {
    const worker = spawnWorker(redisUrl, testEnv(prefix, { WORKER_POOL_SIZE: '1' }));
    workers.push(worker);
    const { body } = await http()
      .post('/workers/jobs')
      .send({
        job_type: {
          type: 'single_crawl',
          url: site.url('/hold?ms=30000'),
          options: { timeout_ms: 60000 },
        },
        timeout_secs: 120,
      })
      .expect(200);
    const running = await until(
      body.job_id,
      (s) => s.status === 'Processing' && !!s.worker_id,
      'Processing with its worker recorded',
    );
    expect(running.worker_id).toContain(`:${worker.pid}:`);
    await waitFor(
      () => site.requestsTo('/hold').length,
      (n) => n === 1,
      { what: 'the fetch to start' },
    );
    expect((await http().delete(`/workers/jobs/${body.job_id}`).expect(200)).body).toEqual({
      job_id: body.job_id,
      status: 'Cancelled',
    });
    const cancelled = await until(body.job_id, (s) => s.status === 'Cancelled', 'Cancelled', 5000);
    expect(cancelled.last_error).toBe('Job was cancelled');
    // It stays Cancelled and is never retried.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await statusOf(body.job_id)).status).toBe('Cancelled');
    expect(site.requestsTo('/hold')).toHaveLength(1);
  });

  it('runs a wide batch in a worker process: lanes capped by WORKER_MAX_CONCURRENCY, progress as URLs finish, a quiet stderr', async () => {
    const worker = spawnWorker(
      redisUrl,
      testEnv(prefix, {
        WORKER_POOL_SIZE: '1',
        WORKER_MAX_CONCURRENCY: '12',
        CRAWL_HOST_CONCURRENCY: '16',
      }),
    );
    workers.push(worker);
    let stderr = '';
    worker.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Twelve quick pages and a slow last one: the last is still held while the other twelve are done.
    const urls = [
      ...Array.from({ length: 12 }, (_, i) => site.url(`/hold?ms=800&id=${i}`)),
      site.url('/hold?ms=3000&id=12'),
    ];
    const { body } = await http()
      .post('/workers/jobs')
      .send({
        job_type: { type: 'batch_crawl', urls, options: { concurrency: 20, cache_mode: 'bypass' } },
      })
      .expect(200);
    const progressOf = (s: Record<string, string>) =>
      s.progress as unknown as { completed: number; total: number } | undefined;
    const partial = await until(
      body.job_id,
      (s) => s.status === 'Processing' && (progressOf(s)?.completed ?? 0) > 0,
      'progress while the batch runs',
    );
    expect(progressOf(partial)).toMatchObject({ completed: expect.any(Number), total: 13 });
    expect(progressOf(partial)!.completed).toBeLessThan(13);
    await until(body.job_id, (s) => s.status === 'Completed', 'Completed');
    const { body: result } = await http().get(`/workers/jobs/${body.job_id}/result`).expect(200);
    expect(result.data).toMatchObject({ total_urls: 13, successful: 13, failed: 0 });
    expect(
      result.data.results.map((r: { document: { title: string } }) => r.document.title),
    ).toEqual(urls.map((_, i) => `Held ${i}`));
    // 20 lanes were asked for; the worker's cap of 12 applied (the host allowed 16).
    expect(site.maxConcurrentHolds).toBe(12);
    // Twelve lanes wait on one job signal at once; that is by design, not a leak to warn about.
    expect(stderr).not.toContain('MaxListenersExceededWarning');
  });

  it("puts a single-URL job's retry off until the server's Retry-After, when it is longer than a crawl waits in place", async () => {
    const worker = spawnWorker(
      redisUrl,
      testEnv(prefix, { WORKER_POOL_SIZE: '1', CRAWL_RETRY_AFTER_MAX_WAIT_MS: '0' }),
    );
    workers.push(worker);
    const { body } = await http()
      .post('/workers/jobs')
      .send({
        job_type: { type: 'single_crawl', url: site.url('/status?code=429&retry-after=2') },
        retry_config: { max_attempts: 2, initial_delay_secs: 0.1, use_jitter: false },
      })
      .expect(200);
    const retrying = await until(body.job_id, (s) => s.status === 'Retrying', 'Retrying');
    expect(retrying.last_error).toContain('429');
    const [first] = site.requestsTo('/status');
    // The backoff alone would have retried 0.1 s after the failure.
    expect(Date.parse(retrying.next_retry_at) - first.at).toBeGreaterThanOrEqual(2000);
    await until(body.job_id, (s) => s.status === 'DeadLetter', 'DeadLetter');
    const [, second] = site.requestsTo('/status');
    expect(second.at - first.at).toBeGreaterThanOrEqual(2000);
  });

  it('waits out a long Retry-After inside a batch while the job has time for it, and fails that URL when it has not', async () => {
    const worker = spawnWorker(
      redisUrl,
      testEnv(prefix, { WORKER_POOL_SIZE: '1', CRAWL_RETRY_AFTER_MAX_WAIT_MS: '0' }),
    );
    workers.push(worker);
    const batch = async (url: string, timeoutSecs: number, status = 'Completed') => {
      const { body } = await http()
        .post('/workers/jobs')
        .send({
          job_type: { type: 'batch_crawl', urls: [url], options: { cache_mode: 'bypass' } },
          timeout_secs: timeoutSecs,
          retry_config: { max_attempts: 1 },
        })
        .expect(200);
      await until(body.job_id, (s) => s.status === status, status);
      return (await http().get(`/workers/jobs/${body.job_id}/result`).expect(200)).body.data;
    };
    // The first request of /retry-once?… is refused with Retry-After 2 s; the batch has 600 s.
    const waited = await batch(site.url('/retry-once?retry-after=2&id=a'), 600);
    expect(waited).toMatchObject({ successful: 1, failed: 0 });
    expect(waited.results[0].processing_time_ms).toBeGreaterThanOrEqual(2000);
    const [refused, served] = site.requestsTo('/retry-once');
    expect(served.at - refused.at).toBeGreaterThanOrEqual(2000);
    // Retry-After 120 s does not fit in a 60 s job: the URL fails at once instead of the whole job timing
    // out; with no URL done, the batch fails (its one attempt spent), keeping the outcome as its data.
    const failed = await batch(site.url('/retry-once?retry-after=120&id=b'), 60, 'DeadLetter');
    expect(failed).toMatchObject({ successful: 0, failed: 1 });
    expect(failed.results[0].error).toContain('429');
    expect(site.requestsTo('/retry-once')).toHaveLength(3);
  });

  it('runs a job again on another worker when its worker is killed with SIGKILL mid-job', async () => {
    const first = spawnWorker(redisUrl, testEnv(prefix, { WORKER_POOL_SIZE: '1' }));
    workers.push(first);
    const { body } = await http()
      .post('/workers/jobs')
      .send({
        job_type: {
          type: 'single_crawl',
          url: site.url('/hold?ms=2500'),
          options: { cache_mode: 'bypass' },
        },
      })
      .expect(200);
    const running = await until(
      body.job_id,
      (s) => s.status === 'Processing' && !!s.worker_id,
      'Processing with its worker recorded',
    );
    expect(running.worker_id).toContain(`:${first.pid}:`);
    // Kill it mid-fetch (after robots.txt, once the page request is in flight).
    await waitFor(
      () => site.requestsTo('/hold').length,
      (n) => n === 1,
      { what: 'the fetch to start' },
    );
    first.kill('SIGKILL');
    await waitForExit(first);
    const second = spawnWorker(redisUrl, testEnv(prefix, { WORKER_POOL_SIZE: '1' }));
    workers.push(second);
    const done = await until(
      body.job_id,
      (s) => s.status === 'Completed',
      'Completed on the second worker',
      20000,
    );
    expect(done.worker_id).toContain(`:${second.pid}:`);
    expect(site.requestsTo('/hold')).toHaveLength(2);
  });

  it('answers 503 within 2 s while Redis is down, and recovers when it returns', async () => {
    const server = new RedisServerProcess({ dataDir: mkdtempSync(join(tmpdir(), 'rt-503-')) });
    await server.start();
    const own = await bootApi(server.url, testEnv(prefix, { WORKER_POOL_SIZE: '1' }));
    const ownHttp = () => request(own.getHttpServer());
    try {
      // If the outage cuts this job's attempt short, its retry comes at once, not after the
      // default 30 s backoff: the test is about the job not being lost, not about its backoff.
      const accepted = await ownHttp()
        .post('/workers/jobs')
        .send({
          job_type: { type: 'maintenance', task_type: 'health_check' },
          retry_config: { initial_delay_secs: 0, use_jitter: false },
        })
        .expect(200);
      await server.stop();
      for (const call of [
        () =>
          ownHttp()
            .post('/workers/jobs')
            .send({ job_type: { type: 'custom', job_name: 'x' } }),
        () => ownHttp().get(`/workers/jobs/${accepted.body.job_id}`),
        () => ownHttp().get('/workers/stats/queue'),
      ]) {
        const started = Date.now();
        const response = await call();
        expect(Date.now() - started).toBeLessThan(2000);
        expect(response.status).toBe(503);
        expect(response.body).toEqual({
          statusCode: 503,
          error: 'Service Unavailable',
          message: 'Queue storage (Redis) is unavailable; try again shortly',
        });
      }
      await server.start();
      // Producer and worker reconnect by themselves: a new job is accepted and processed.
      const again = await waitFor(
        () =>
          ownHttp()
            .post('/workers/jobs')
            .send({ job_type: { type: 'maintenance', task_type: 'health_check' } }),
        (r) => r.status === 200,
        { timeoutMs: 10000, what: 'submissions to succeed again' },
      );
      await waitFor(
        async () =>
          (await ownHttp().get(`/workers/jobs/${again.body.job_id}`)).body.status as string,
        (s) => s === 'Completed',
        { timeoutMs: 15000, what: 'the worker to resume' },
      );
      // The job accepted before the outage is not lost either. If Redis went away while it ran, its
      // attempt failed (retried at once) or its lock lapsed meanwhile (stalled check, run again), so
      // it can finish after the new one.
      await waitFor(
        async () =>
          (await ownHttp().get(`/workers/jobs/${accepted.body.job_id}`)).body.status as string,
        (s) => s === 'Completed',
        { timeoutMs: 15000, what: 'the job accepted before the outage to complete' },
      );
    } finally {
      await own.close();
      await server.stop();
    }
  });
});
