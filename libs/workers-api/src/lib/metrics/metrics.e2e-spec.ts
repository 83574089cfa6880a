import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { JobSubmission, QueueService } from '@riptide/queue';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix, waitFor } from '@riptide/testing';
import request from 'supertest';
import { PERCENTILE_RELATIVE_ERROR, PROMETHEUS_BUCKETS_SECONDS } from '@riptide/metrics';
import {
  WorkerProcess,
  closeAll,
  createHttpApp,
  parsePrometheus,
  startWorkerProcess,
} from '../../testing/metrics-test.util';

const url = testRedisUrl();
const fast = { initialDelaySecs: 0.2, backoffMultiplier: 2, maxDelaySecs: 1, useJitter: false };
const custom = (
  jobName: string,
  payload?: object,
  more: Partial<JobSubmission> = {},
): JobSubmission => ({
  jobType: { type: 'custom', jobName, payload: payload as never },
  ...more,
});

function exactPercentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

describe('metrics across two real worker processes', () => {
  const prefix = uniquePrefix('metrics');
  const apps: NestFastifyApplication[] = [];
  let workers: WorkerProcess[] = [];
  let api: NestFastifyApplication;
  const sleeps = [20, 40, 60, 80, 100, 150, 200, 250, 300, 400, 500, 700];

  beforeAll(async () => {
    const settings = {
      redisUrl: url,
      prefix,
      poolSize: 2,
      heartbeatIntervalMs: 200,
      missedHeartbeats: 3,
    };
    [api, ...workers] = await Promise.all([
      createHttpApp(
        { redisUrl: url, prefix, worker: { poolSize: 0 } },
        { heartbeatIntervalMs: 200, missedHeartbeats: 3 },
      ),
      startWorkerProcess(settings),
      startWorkerProcess(settings),
    ] as const);
    apps.push(api);
  }, 60000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await closeAll(apps);
    await deleteKeysWithPrefix(url, prefix);
  });

  it('counts every outcome and estimates percentiles within the documented bound', async () => {
    const queue = api.get(QueueService);
    const ids: string[] = [];
    for (const ms of sleeps) ids.push((await queue.submit(custom('sleep', { ms }))).jobId);
    ids.push(
      (await queue.submit(custom('echo', { value: 1 }))).jobId,
      (await queue.submit(custom('echo', { value: 2 }))).jobId,
    );
    ids.push(
      (
        await queue.submit(
          custom('flaky', { failures: 1 }, { retryConfig: { ...fast, maxAttempts: 3 } }),
        )
      ).jobId,
    );
    await queue.submit(custom('fail-permanently'));
    await queue.submit(custom('fail', {}, { retryConfig: { ...fast, maxAttempts: 1 } }));
    const delayed = await queue.submit(
      custom('echo', {}, { scheduledAt: new Date(Date.now() + 60000) }),
    );
    await queue.cancel(delayed.jobId);

    const http = request(api.getHttpServer());
    const metrics = await waitFor(
      async () => (await http.get('/workers/metrics').expect(200)).body,
      (m) =>
        m.jobs_completed === 15 &&
        m.jobs_failed === 1 &&
        m.jobs_dead_letter === 1 &&
        m.jobs_cancelled === 1 &&
        m.jobs_retried === 1 &&
        m.queue_sizes.completed === 15,
      { timeoutMs: 20000, what: 'every outcome counted' },
    );

    // The processing time each worker stored with its result is the exact value the metrics saw.
    const durations = await Promise.all(
      ids.map(async (id) => (await queue.getResult(id)).processingTimeMs),
    );
    const exactAvg =
      Math.round((durations.reduce((a, b) => a + b, 0) / durations.length) * 100) / 100;
    const latency = {
      avg_processing_time_ms: exactAvg,
      p50_processing_time_ms: expect.any(Number),
      p95_processing_time_ms: expect.any(Number),
      p99_processing_time_ms: expect.any(Number),
    };
    expect(metrics).toEqual({
      jobs_submitted: 18,
      jobs_completed: 15,
      jobs_failed: 1,
      jobs_retried: 1,
      jobs_dead_letter: 1,
      jobs_cancelled: 1,
      ...latency,
      avg_queue_wait_ms: expect.any(Number),
      p95_queue_wait_ms: expect.any(Number),
      success_rate: 88.24,
      job_type_stats: {
        custom: {
          jobs_submitted: 18,
          jobs_completed: 15,
          jobs_failed: 1,
          jobs_retried: 1,
          jobs_dead_letter: 1,
          jobs_cancelled: 1,
          success_rate: 88.24,
          ...latency,
          avg_queue_wait_ms: expect.any(Number),
          p95_queue_wait_ms: expect.any(Number),
        },
      },
      jobs_by_type: { custom: 18 },
      queue_sizes: {
        pending: 0,
        processing: 0,
        completed: 15,
        failed: 1,
        retry: 0,
        delayed: 0,
        dead_letter: 1,
        cancelled: 1,
        total: 18,
      },
      total_workers: 2,
      healthy_workers: 2,
      uptime_seconds: expect.any(Number),
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    for (const p of [50, 95, 99] as const) {
      const exact = exactPercentile(durations, p);
      const reported = metrics[`p${p}_processing_time_ms`] as number;
      expect(Math.abs(reported - exact)).toBeLessThanOrEqual(
        exact * PERCENTILE_RELATIVE_ERROR + 0.01,
      );
      expect(metrics.job_type_stats.custom[`p${p}_processing_time_ms`]).toBe(reported);
    }
    expect(metrics.p50_processing_time_ms).toBeGreaterThanOrEqual(100);
    expect(metrics.p99_processing_time_ms).toBeGreaterThanOrEqual(700);

    // Both processes ran jobs, and the pool view adds up their own counters.
    const pool = await waitFor(
      async () => (await http.get('/workers/stats/workers').expect(200)).body,
      (p) => p.total_jobs_processed === 15 && p.total_jobs_failed === 3,
      { what: 'heartbeats with the final counters' },
    );
    expect(pool).toEqual({
      total_workers: 2,
      healthy_workers: 2,
      total_jobs_processed: 15,
      total_jobs_failed: 3,
      is_running: true,
      workers: expect.any(Array),
    });
    expect(pool.workers.map((w: { worker_id: string }) => w.worker_id).sort()).toEqual(
      workers.map((w) => w.workerId).sort(),
    );
    for (const worker of pool.workers) {
      expect(worker).toEqual({
        worker_id: expect.any(String),
        host: expect.any(String),
        pid: expect.any(Number),
        concurrency: 2,
        running_job_ids: [],
        jobs_processed: expect.any(Number),
        jobs_failed: expect.any(Number),
        is_running: true,
        healthy: true,
        started_at: expect.any(String),
        last_heartbeat: expect.any(String),
        last_job_started_at: expect.any(String),
      });
      expect(worker.jobs_processed).toBeGreaterThan(0);
    }
    expect(new Set(pool.workers.map((w: { pid: number }) => w.pid)).size).toBe(2);

    // Prometheus: parsed, counted exactly, histogram buckets cumulative and exact.
    const res = await http.get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const { samples, types } = parsePrometheus(res.text);
    const value = (name: string, labels: Record<string, string> = {}) =>
      samples.find(
        (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
      )?.value;
    expect(types).toMatchObject({
      riptide_jobs_submitted_total: 'counter',
      riptide_jobs_completed_total: 'counter',
      riptide_job_processing_seconds: 'histogram',
      riptide_job_queue_wait_seconds: 'histogram',
      riptide_queue_jobs: 'gauge',
      riptide_workers: 'gauge',
      riptide_queue_oldest_waiting_job_age_seconds: 'gauge',
      process_cpu_user_seconds_total: 'counter',
      nodejs_eventloop_lag_seconds: 'gauge',
    });
    const customType = { job_type: 'custom' };
    expect(value('riptide_jobs_submitted_total', customType)).toBe(18);
    expect(value('riptide_jobs_completed_total', customType)).toBe(15);
    expect(value('riptide_jobs_failed_total', customType)).toBe(1);
    expect(value('riptide_jobs_retried_total', customType)).toBe(1);
    expect(value('riptide_jobs_dead_letter_total', customType)).toBe(1);
    expect(value('riptide_jobs_cancelled_total', customType)).toBe(1);
    expect(value('riptide_job_processing_seconds_count', customType)).toBe(15);
    expect(value('riptide_job_processing_seconds_sum', customType)).toBeCloseTo(
      durations.reduce((a, b) => a + b, 0) / 1000,
      6,
    );
    for (const bound of PROMETHEUS_BUCKETS_SECONDS)
      expect(
        value('riptide_job_processing_seconds_bucket', { ...customType, le: String(bound) }),
      ).toBe(durations.filter((d) => d / 1000 <= bound).length);
    expect(value('riptide_job_processing_seconds_bucket', { ...customType, le: '+Inf' })).toBe(15);
    // Every start is a wait observation: 15 completions + 1 retry + 1 failure + 1 dead letter.
    expect(value('riptide_job_queue_wait_seconds_count', customType)).toBe(18);
    expect(value('riptide_queue_jobs', { state: 'completed' })).toBe(15);
    expect(value('riptide_queue_jobs', { state: 'dead_letter' })).toBe(1);
    expect(value('riptide_queue_jobs', { state: 'pending' })).toBe(0);
    expect(value('riptide_workers', { state: 'live' })).toBe(2);
    expect(value('riptide_workers', { state: 'healthy' })).toBe(2);
    expect(value('riptide_queue_oldest_waiting_job_age_seconds')).toBe(0);
    expect(value('riptide_redis_up')).toBe(1);
  });

  it('drops a killed worker process after its missed heartbeats, keeps the live one', async () => {
    const http = request(api.getHttpServer());
    const [victim, survivor] = workers;
    await victim.kill();
    const pool = await waitFor(
      async () => (await http.get('/workers/stats/workers').expect(200)).body,
      (p) => p.total_workers === 1,
      { timeoutMs: 5000, what: 'the killed worker to drop out' },
    );
    expect(pool).toMatchObject({ total_workers: 1, healthy_workers: 1, is_running: true });
    expect(pool.workers.map((w: { worker_id: string }) => w.worker_id)).toEqual([
      survivor.workerId,
    ]);
    // The survivor stays listed across several expiry periods: its heartbeat keeps renewing it.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await http.get('/workers/stats/workers').expect(200)).body.total_workers).toBe(1);

    // A clean shutdown leaves the registry at once, without waiting for the expiry.
    await survivor.stop();
    expect((await http.get('/workers/stats/workers').expect(200)).body).toEqual({
      total_workers: 0,
      healthy_workers: 0,
      total_jobs_processed: 0,
      total_jobs_failed: 0,
      is_running: false,
      workers: [],
    });
  });
});
