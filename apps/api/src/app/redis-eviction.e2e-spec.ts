import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { RedisServerProcess } from '@riptide/host';
import { uniquePrefix } from '@riptide/testing';
import type Redis from 'ioredis';
import request from 'supertest';
import { privateRedis } from './private-redis.spec-helper';
import { bootApi, testEnv } from './test-app.util';

type LogLine = Record<string, unknown> & { level: number; msg?: string };

// A file of its own: nestjs-pino keeps the first app's logger for the whole process, so the boot
// line is only seen by the first host booted in a test file.
describe('An evicting Redis (booted host, private redis-server)', () => {
  let server: RedisServerProcess | undefined;
  let admin: Redis | undefined;
  let app: NestFastifyApplication | undefined;

  afterEach(async () => {
    await app?.close();
    admin?.disconnect();
    await server?.stop();
  });

  it('an evicting Redis is reported at boot (one warn line) and in /health, which stays up', async () => {
    ({ server, admin } = await privateRedis());
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const lines: LogLine[] = [];
    const destination = { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) };
    app = await bootApi(
      server.url,
      testEnv(uniquePrefix('evict'), { WORKER_POOL_SIZE: '0', LOG_LEVEL: 'info' }),
      destination,
    );
    const warning =
      'Redis maxmemory-policy is allkeys-lru: under memory pressure Redis may evict jobs, locks and indexes; set it to noeviction';
    expect(lines.filter((line) => line.level === 40)).toEqual([
      expect.objectContaining({ msg: warning }),
    ]);
    const health = await request(app.getHttpServer()).get('/health').expect(200);
    expect(health.body.details.redis).toEqual({
      status: 'up',
      maxmemory_policy: 'allkeys-lru',
      eviction: warning,
    });
  });
});
