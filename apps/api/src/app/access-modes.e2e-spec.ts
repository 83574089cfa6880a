import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { findFreePort } from '@riptide/host';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix, waitFor } from '@riptide/testing';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { bootApi, spawnApi, testEnv, waitForExit } from './test-app.util';

const redisUrl = testRedisUrl();

describe('Local mode and keys across processes (built host as real processes)', () => {
  const prefixes: string[] = [];
  const prefix = () => {
    const value = uniquePrefix('modes');
    prefixes.push(value);
    return value;
  };

  afterAll(async () => {
    for (const value of prefixes) await deleteKeysWithPrefix(redisUrl, value);
  });

  it('refuses to serve beyond loopback without a key: exit 78 naming RIPTIDE_ADMIN_KEY', async () => {
    const api = spawnApi({
      ...testEnv(prefix()),
      REDIS_URL: redisUrl,
      HOST: '0.0.0.0',
      PORT: String(await findFreePort()),
    });
    await waitForExit(api.child);
    expect(api.child.exitCode).toBe(78);
    expect(api.stderr()).toContain('HOST=0.0.0.0');
    expect(api.stderr()).toContain('RIPTIDE_ADMIN_KEY');
  });

  it('refuses an admin key shorter than 32 characters: exit 78', async () => {
    const api = spawnApi({
      ...testEnv(prefix()),
      REDIS_URL: redisUrl,
      RIPTIDE_ADMIN_KEY: 'short',
      PORT: String(await findFreePort()),
    });
    await waitForExit(api.child);
    expect(api.child.exitCode).toBe(78);
    expect(api.stderr()).toContain('RIPTIDE_ADMIN_KEY must be at least 32 characters');
  });

  it('in local mode answers loopback names only (DNS rebinding)', async () => {
    const app: NestFastifyApplication = await bootApi(
      redisUrl,
      testEnv(prefix(), { WORKER_POOL_SIZE: '0' }),
    );
    try {
      const http = () => request(app.getHttpServer());
      const refused = await http()
        .get('/workers/stats/queue')
        .set('Host', 'evil.example')
        .expect(403);
      expect(refused.body).toEqual({
        statusCode: 403,
        error: 'Forbidden',
        message: expect.stringContaining('only loopback names'),
      });
      await http().get('/docs-json').set('Host', 'evil.example:3000').expect(403);
      await http().get('/admin/queues').set('Host', '127.0.0.1.evil.example').expect(403);
      for (const host of ['localhost:3000', '127.0.0.1:3000', '[::1]:3000', 'localhost'])
        await http().get('/workers/stats/queue').set('Host', host).expect(200);
    } finally {
      await app.close();
    }
  });

  it('a key revoked through one API process is refused by another within a second', async () => {
    const adminKey = randomBytes(24).toString('hex');
    const shared = prefix();
    const first = await bootApi(
      redisUrl,
      testEnv(shared, { WORKER_POOL_SIZE: '0', RIPTIDE_ADMIN_KEY: adminKey }),
    );
    const port = await findFreePort();
    const second = spawnApi({
      ...testEnv(shared),
      REDIS_URL: redisUrl,
      WORKER_POOL_SIZE: '0',
      RIPTIDE_ADMIN_KEY: adminKey,
      HOST: '127.0.0.1',
      PORT: String(port),
    });
    try {
      const secondUrl = `http://127.0.0.1:${port}`;
      const created = await request(first.getHttpServer())
        .post('/admin/keys')
        .set('Authorization', `Bearer ${adminKey}`)
        .send({ name: 'short-lived', tenant: 'a', scopes: ['jobs:read'] })
        .expect(201);
      const stats = () =>
        request(secondUrl)
          .get('/workers/stats/queue')
          .set('Authorization', `Bearer ${created.body.key}`)
          .then(
            (r) => r.status,
            () => 0,
          );
      // The second process knows the key (and has it cached) before the revocation.
      await waitFor(stats, (status) => status === 200, {
        timeoutMs: 20000,
        what: 'the second process to accept the key',
      });
      await request(first.getHttpServer())
        .delete(`/admin/keys/${created.body.id}`)
        .set('Authorization', `Bearer ${adminKey}`)
        .expect(204);
      const revokedAt = Date.now();
      await waitFor(stats, (status) => status === 401, {
        timeoutMs: 1000,
        intervalMs: 20,
        what: 'the second process to refuse the revoked key',
      });
      expect(Date.now() - revokedAt).toBeLessThanOrEqual(1000);
    } finally {
      second.child.kill('SIGTERM');
      await waitForExit(second.child);
      await first.close();
    }
  }, 40000);
});
