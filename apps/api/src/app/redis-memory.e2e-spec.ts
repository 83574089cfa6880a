import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { RedisServerProcess } from '@riptide/host';
import { readRedisMemory } from '@riptide/redis';
import { uniquePrefix } from '@riptide/testing';
import { declareHandledJobTypes } from '@riptide/queue/testing';
import type Redis from 'ioredis';
import request from 'supertest';
import { privateRedis } from './private-redis.spec-helper';
import { bootApi, testEnv } from './test-app.util';

describe('Redis memory (booted host, private redis-server)', () => {
  let server: RedisServerProcess | undefined;
  let admin: Redis | undefined;
  let app: NestFastifyApplication | undefined;

  afterEach(async () => {
    await app?.close();
    admin?.disconnect();
    await server?.stop();
    app = admin = server = undefined;
  });

  it('a full Redis answers 503 "Redis is out of memory"; every job accepted before is still there afterwards', async () => {
    ({ server, admin } = await privateRedis('4mb'));
    const prefix = uniquePrefix('oom');
    // A worker elsewhere handles the custom type these submissions use.
    await declareHandledJobTypes(server.url, prefix, ['custom:bulky']);
    app = await bootApi(server.url, testEnv(prefix, { WORKER_POOL_SIZE: '0' }));
    const http = app.getHttpServer();
    // 200 KB per job: a 4 MB Redis holds a handful.
    const submission = (i: number) => ({
      job_type: { type: 'custom', job_name: 'bulky', payload: { i, filler: 'x'.repeat(200_000) } },
    });

    const accepted: string[] = [];
    let refused: request.Response | undefined;
    for (let i = 0; i < 100 && !refused; i++) {
      const response = await request(http).post('/workers/jobs').send(submission(i));
      if (response.status === 200) accepted.push(response.body.job_id as string);
      else refused = response;
    }
    expect(accepted.length).toBeGreaterThan(0);
    expect(refused?.body).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'Redis is out of memory',
    });
    expect(refused?.status).toBe(503);
    // Keep it full. Redis counts transient memory (client buffers, a request's own 200 KB argument)
    // against maxmemory, so the first refusal can come with a few KB to spare, which a quieter
    // moment would accept. A limit at what Redis now holds leaves no such room.
    await admin.config('SET', 'maxmemory', String((await readRedisMemory(admin)).usedMemoryBytes));
    // Still full: the refusal holds, and /health says why (its redis indicator stays up).
    expect(
      (await request(http).post('/workers/jobs').send(submission(-1)).expect(503)).body.message,
    ).toBe('Redis is out of memory');
    const health = await request(http).get('/health');
    expect(health.body.details.redis).toEqual({
      status: 'up',
      maxmemory_policy: 'noeviction',
      memory: expect.stringMatching(
        /^Redis uses (9\d|1\d\d)% of its maxmemory; when it is full, writes are refused and submissions answer 503$/,
      ),
    });
    // Reads still work while full.
    await request(http).get(`/workers/jobs/${accepted[0]}`).expect(200);

    await admin.config('SET', 'maxmemory', '0');
    for (const jobId of accepted) {
      const view = await request(http).get(`/workers/jobs/${jobId}`).expect(200);
      expect(view.body).toMatchObject({ job_id: jobId, status: 'Pending' });
    }
    const again = await request(http).post('/workers/jobs').send(submission(1000)).expect(200);
    await request(http).get(`/workers/jobs/${again.body.job_id}`).expect(200);
  });
});
