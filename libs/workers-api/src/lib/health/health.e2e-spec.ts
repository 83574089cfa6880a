import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { QueueService } from '@riptide/queue';
import { TestJobHandlersModule, declareHandledJobTypes } from '@riptide/queue/testing';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix, waitFor } from '@riptide/testing';
import Redis from 'ioredis';
import request from 'supertest';
import { DisposableRedis, closeAll, createHttpApp } from '../../testing/metrics-test.util';
import type { SchedulerHealthProbe } from '@riptide/metrics';

const url = testRedisUrl();
const fastWorker = { lockDurationMs: 2000, stalledIntervalMs: 1000, shutdownGraceMs: 300 };
const heartbeat = { heartbeatIntervalMs: 200, missedHeartbeats: 3 };

/** The Terminus body for a set of indicator results. */
function body(status: 'ok' | 'error', indicators: Record<string, object>) {
  const info = Object.fromEntries(
    Object.entries(indicators).filter(([, v]) => (v as { status: string }).status === 'up'),
  );
  const error = Object.fromEntries(
    Object.entries(indicators).filter(([, v]) => (v as { status: string }).status === 'down'),
  );
  return { status, info, error, details: indicators };
}

const schedulerNotConfigured = { status: 'up', message: 'not configured' };
/** Every Redis of these specs runs with the safe policy (the default), so no warning. */
const redisUp = { status: 'up', maxmemory_policy: 'noeviction' };

describe('health endpoints (Terminus)', () => {
  const apps: NestFastifyApplication[] = [];
  let prefix: string;

  beforeEach(() => {
    prefix = uniquePrefix('health');
  });

  afterEach(async () => {
    await closeAll(apps);
    await deleteKeysWithPrefix(url, prefix);
  });

  async function app(...args: Parameters<typeof createHttpApp>) {
    const created = await createHttpApp(...args);
    apps.push(created);
    return created;
  }

  const health = (target: NestFastifyApplication) => request(target.getHttpServer()).get('/health');

  it('redis: down while the server is gone, up again after it is back; no address in the body', async () => {
    const redis = await DisposableRedis.start();
    try {
      const api = await app({ redisUrl: redis.url, prefix, commandTimeoutMs: 500 }, heartbeat);
      const healthy = body('ok', {
        redis: redisUp,
        queue: { status: 'up', waiting: 0 },
        worker_pool: { status: 'up', waiting: 0, healthy_workers: 0 },
        scheduler: schedulerNotConfigured,
      });
      expect((await health(api).expect(200)).body).toEqual(healthy);

      await redis.down();
      const down = await health(api).expect(503);
      const unreachable = { status: 'down', message: 'Redis is not reachable' };
      expect(down.body).toEqual(
        body('error', {
          redis: unreachable,
          queue: unreachable,
          worker_pool: unreachable,
          scheduler: schedulerNotConfigured,
        }),
      );
      expect(down.text).not.toContain(String(redis.port));
      expect(down.text).not.toContain('127.0.0.1');
      expect(down.text).not.toMatch(/stack|at .*\.js/);
      // /workers/metrics answers 503 quickly too, in the API's error shape.
      expect(
        (await request(api.getHttpServer()).get('/workers/metrics').expect(503)).body,
      ).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });

      await redis.up();
      await waitFor(
        async () => (await health(api)).status,
        (status) => status === 200,
        { timeoutMs: 10000, what: 'readiness after Redis is back' },
      );
      expect((await health(api).expect(200)).body).toEqual(healthy);
    } finally {
      await closeAll(apps);
      await redis.down();
    }
  });

  it('redis: reports the maxmemory policy, warns when it evicts or when Redis is full, and stays up', async () => {
    const redis = await DisposableRedis.start();
    const admin = new Redis(redis.url);
    try {
      const api = await app({ redisUrl: redis.url, prefix, commandTimeoutMs: 500 }, heartbeat);
      const redisDetails = async () => {
        const response = await health(api).expect(200);
        expect(response.body.info.redis).toEqual(response.body.details.redis);
        return response.body.details.redis;
      };
      expect(await redisDetails()).toEqual(redisUp);

      await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
      expect(await redisDetails()).toEqual({
        status: 'up',
        maxmemory_policy: 'allkeys-lru',
        eviction:
          'Redis maxmemory-policy is allkeys-lru: under memory pressure Redis may evict jobs, locks and indexes; set it to noeviction',
      });

      // Full: writes are refused, reads (and so readiness) still work.
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      await admin.config('SET', 'maxmemory', '1');
      expect(await redisDetails()).toEqual({
        ...redisUp,
        memory: expect.stringMatching(
          /^Redis uses \d+% of its maxmemory; when it is full, writes are refused and submissions answer 503$/,
        ),
      });
      await admin.config('SET', 'maxmemory', '0');
      expect(await redisDetails()).toEqual(redisUp);
    } finally {
      admin.disconnect();
      await closeAll(apps);
      await redis.down();
    }
  });

  it('queue and worker_pool: down while jobs wait with no worker, up once a worker runs them', async () => {
    // Two API processes on one queue, one strict about stalls, one lenient.
    const lenient = await app({ redisUrl: url, prefix, worker: { poolSize: 0 } }, heartbeat);
    const strict = await app(
      { redisUrl: url, prefix, worker: { poolSize: 0 } },
      { ...heartbeat, queueStallAfterMs: 200 },
    );
    // The worker that comes up below handles `echo`; it has not started yet.
    await declareHandledJobTypes(url, prefix, ['custom:echo']);
    await lenient.get(QueueService).submit({ jobType: { type: 'custom', jobName: 'echo' } });

    // Work waits and no worker exists: worker_pool is down at once; the queue is not stalled yet.
    expect((await health(lenient).expect(503)).body).toEqual(
      body('error', {
        redis: redisUp,
        queue: { status: 'up', waiting: 1 },
        worker_pool: {
          status: 'down',
          message: '1 job(s) waiting and no healthy worker process',
          waiting: 1,
          healthy_workers: 0,
        },
        scheduler: schedulerNotConfigured,
      }),
    );
    // Nothing started for longer than the stall time: queue is down too.
    const stalled = await waitFor(
      async () => (await health(strict)).body,
      (b) => b.error?.queue !== undefined,
      { what: 'the queue indicator to report the stall' },
    );
    expect(stalled.error.queue).toEqual({
      status: 'down',
      message: '1 job(s) waiting and no job started in the last 0 s',
      waiting: 1,
    });

    // A worker process comes up and runs the job: both indicators recover in both processes.
    await app({ redisUrl: url, prefix, worker: { poolSize: 1, ...fastWorker } }, heartbeat, [
      TestJobHandlersModule.register({ redisUrl: url, prefix }),
    ]);
    for (const target of [lenient, strict])
      await waitFor(
        async () => (await health(target)).status,
        (status) => status === 200,
        { what: 'readiness with a worker' },
      );
    expect((await health(strict).expect(200)).body).toEqual(
      body('ok', {
        redis: redisUp,
        queue: { status: 'up', waiting: 0 },
        worker_pool: { status: 'up', waiting: 0, healthy_workers: 1 },
        scheduler: schedulerNotConfigured,
      }),
    );
  });

  it('scheduler: follows the probe it is given', async () => {
    let healthy = false;
    const scheduler: SchedulerHealthProbe = {
      checkHealth: async () => ({ healthy, details: { schedules: 2, leader: healthy } }),
    };
    const api = await app(
      { redisUrl: url, prefix, worker: { poolSize: 0 } },
      { ...heartbeat, scheduler },
    );
    const others = {
      redis: redisUp,
      queue: { status: 'up', waiting: 0 },
      worker_pool: { status: 'up', waiting: 0, healthy_workers: 0 },
    };
    expect((await health(api).expect(503)).body).toEqual(
      body('error', {
        ...others,
        scheduler: {
          status: 'down',
          message: 'scheduler reports unhealthy',
          schedules: 2,
          leader: false,
        },
      }),
    );
    healthy = true;
    expect((await health(api).expect(200)).body).toEqual(
      body('ok', { ...others, scheduler: { status: 'up', schedules: 2, leader: true } }),
    );
  });

  it('liveness: down after the event loop was blocked, up again afterwards', async () => {
    const api = await app(
      { redisUrl: url, prefix, worker: { poolSize: 0 } },
      { ...heartbeat, eventLoopDelayThresholdMs: 150 },
    );
    const live = () => request(api.getHttpServer()).get('/health/live');
    await live(); // starts a fresh observation window
    const until = Date.now() + 400;
    while (Date.now() < until) {
      // Synchronous work that holds the event loop, as a stuck handler would.
    }
    const down = await live().expect(503);
    expect(down.body).toEqual({
      status: 'error',
      info: {},
      error: {
        event_loop: {
          status: 'down',
          message: expect.stringMatching(/^event loop blocked for \d+ ms \(threshold 150 ms\)$/),
        },
      },
      details: { event_loop: { status: 'down', message: expect.any(String) } },
    });
    expect((await live().expect(200)).body).toEqual(body('ok', { event_loop: { status: 'up' } }));
  });
});
