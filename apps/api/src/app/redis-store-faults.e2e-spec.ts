import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { RedisServerProcess } from '@riptide/host';
import { uniquePrefix } from '@riptide/testing';
import { declareHandledJobTypes } from '@riptide/queue/testing';
import Redis from 'ioredis';
import request from 'supertest';
import { privateRedis } from './private-redis.spec-helper';
import { bootApi, testEnv } from './test-app.util';

const CANNOT_PERSIST =
  'Redis cannot write to its disk (full or read-only) and refuses writes until that is fixed';
const submission = (n: number) => ({
  job_type: { type: 'custom', job_name: 'fault', payload: { n } },
});

describe('Redis faults seen by the API (booted host, private redis-server)', () => {
  let server: RedisServerProcess | undefined;
  let admin: Redis | undefined;
  let app: NestFastifyApplication | undefined;

  afterEach(async () => {
    if (server?.pid) process.kill(server.pid, 'SIGCONT');
    await app?.close();
    admin?.disconnect();
    await server?.stop();
    app = admin = server = undefined;
  });

  it('a Redis that cannot write its disk answers 503 naming it, says so in /health, and every accepted job is there after', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rt-misconf-'));
    server = new RedisServerProcess({ dataDir, appendOnly: false });
    await server.start();
    admin = new Redis(server.url);
    const prefix = uniquePrefix('misconf');
    // A worker elsewhere handles the custom type these submissions use.
    await declareHandledJobTypes(server.url, prefix, ['custom:fault']);
    app = await bootApi(server.url, testEnv(prefix, { WORKER_POOL_SIZE: '0' }));
    const http = app.getHttpServer();
    const accepted = (await request(http).post('/workers/jobs').send(submission(1)).expect(200))
      .body.job_id as string;

    // A snapshot into a data folder that no longer exists fails; with save points set, Redis then
    // refuses every write with MISCONF, as it does when its disk is full.
    await admin.config('SET', 'save', '3600 1');
    rmSync(dataDir, { recursive: true });
    await admin.bgsave();
    for (
      let i = 0;
      i < 100 && (await admin.info('persistence')).includes('rdb_last_bgsave_status:ok');
      i++
    )
      await new Promise((r) => setTimeout(r, 50));

    const refused = await request(http).post('/workers/jobs').send(submission(2));
    expect(refused.status).toBe(503);
    expect(refused.body).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: CANNOT_PERSIST,
    });
    const health = await request(http).get('/health');
    expect(health.status).toBe(503);
    expect(health.body.details.redis).toEqual({ status: 'down', message: CANNOT_PERSIST });

    // Fixed (here: snapshots turned off): writes are taken again, and the job accepted before is still there.
    await admin.config('SET', 'save', '');
    await request(http).post('/workers/jobs').send(submission(3)).expect(200);
    expect((await request(http).get(`/workers/jobs/${accepted}`).expect(200)).body.status).toBe(
      'Pending',
    );
  });

  it('a retry with the same Idempotency-Key after a 503 from a stalled Redis runs at once instead of waiting on a dead reservation', async () => {
    ({ server, admin } = await privateRedis());
    const prefix = uniquePrefix('idem503');
    // A worker elsewhere handles the custom type these submissions use.
    await declareHandledJobTypes(server.url, prefix, ['custom:fault']);
    app = await bootApi(server.url, testEnv(prefix, { WORKER_POOL_SIZE: '0' }));
    const http = app.getHttpServer();
    await request(http).post('/workers/jobs').send(submission(0)).expect(200); // connections open and ready

    process.kill(server.pid as number, 'SIGSTOP');
    const during = await request(http)
      .post('/workers/jobs')
      .set('Idempotency-Key', 'stalled-1')
      .send(submission(1));
    expect(during.status).toBe(503);
    process.kill(server.pid as number, 'SIGCONT');
    // Let Redis run what was queued while it was stopped: the reservation, then its release.
    await admin.ping();

    const started = Date.now();
    const retry = await request(http)
      .post('/workers/jobs')
      .set('Idempotency-Key', 'stalled-1')
      .send(submission(1));
    expect(retry.status).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    // Not the "still being processed" wait of a live reservation (10 s, then 409).
    expect(Date.now() - started).toBeLessThan(5000);
    const again = await request(http)
      .post('/workers/jobs')
      .set('Idempotency-Key', 'stalled-1')
      .send(submission(1))
      .expect(200);
    expect(again.body.job_id).toBe(retry.body.job_id);
    expect(again.headers['idempotent-replayed']).toBe('true');
  });
});
