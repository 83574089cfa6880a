import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix, waitFor } from '@riptide/testing';
import { declareHandledJobTypes } from '@riptide/queue/testing';
import { bootApi, testEnv } from './test-app.util';

const redisUrl = testRedisUrl();
const ADMIN_KEY = `admin-${randomBytes(24).toString('hex')}`;
const NON_ADMIN_SCOPES = [
  'jobs:write',
  'jobs:read',
  'schedules:write',
  'schedules:read',
  'metrics:read',
] as const;
type Scope = (typeof NON_ADMIN_SCOPES)[number] | 'admin';

// Handled by a worker elsewhere, not by this host's: its one attempt here is handed back and spent (DeadLetter).
const customJob = {
  job_type: { type: 'custom', job_name: 'no_such_handler' },
  retry_config: { max_attempts: 1 },
};
const laterJob = () => ({
  ...customJob,
  scheduled_at: new Date(Date.now() + 3600_000).toISOString(),
});
const schedule = {
  name: 'nightly',
  cron_expression: '0 3 * * *',
  job_template: { type: 'custom', job_name: 'nightly' },
};

describe('Access control in keys mode (booted host, real Redis, real HTTP)', () => {
  let app: NestFastifyApplication;
  let prefix: string;
  const http = () => request(app.getHttpServer());
  const as = (key: string | null) => {
    const withKey = (test: request.Test) =>
      key === null ? test : test.set('Authorization', `Bearer ${key}`);
    return {
      get: (path: string) => withKey(http().get(path)),
      post: (path: string, body?: object) => withKey(http().post(path)).send(body ?? {}),
      patch: (path: string, body: object) => withKey(http().patch(path)).send(body),
      delete: (path: string) => withKey(http().delete(path)),
    };
  };
  const admin = () => as(ADMIN_KEY);

  async function createKey(
    tenant: string,
    scopes: Scope[],
    name = `${tenant} ${scopes.join(' ')}`,
  ): Promise<{ id: string; key: string }> {
    const { body } = await admin().post('/admin/keys', { name, tenant, scopes }).expect(201);
    return { id: body.id, key: body.key };
  }

  beforeAll(async () => {
    prefix = uniquePrefix('auth');
    await declareHandledJobTypes(redisUrl, prefix, ['custom:no_such_handler', 'custom:nightly']);
    app = await bootApi(
      redisUrl,
      testEnv(prefix, { RIPTIDE_ADMIN_KEY: ADMIN_KEY, WORKER_POOL_SIZE: '1' }),
    );
  });

  afterAll(async () => {
    await app.close();
    await deleteKeysWithPrefix(redisUrl, prefix);
  });

  describe('every route × {no key, wrong key, revoked key, key without the scope, right key}', () => {
    let full: string; // tenant a, every scope but admin: prepares what the routes act on
    let revoked: string;

    beforeAll(async () => {
      full = (await createKey('a', [...NON_ADMIN_SCOPES])).key;
      const doomed = await createKey('a', [...NON_ADMIN_SCOPES, 'admin']);
      await admin().delete(`/admin/keys/${doomed.id}`).expect(204);
      revoked = doomed.key;
    });

    const submitAs = async (key: string, body: object) =>
      (await as(key).post('/workers/jobs', body).expect(200)).body.job_id as string;
    const failedJob = async () => {
      const id = await submitAs(full, customJob);
      await waitFor(
        async () => (await as(full).get(`/workers/jobs/${id}`)).body.status,
        (s) => s === 'DeadLetter',
        { what: 'the job to fail' },
      );
      return id;
    };
    const scheduleOf = async () =>
      (await as(full).post('/workers/schedule', schedule).expect(200)).body.id as string;
    const subscription = { url: 'http://127.0.0.1:9/hooks', events: ['progress'] };
    const subscriptionOf = async () =>
      (await as(full).post('/workers/webhooks', subscription).expect(201)).body.id as string;

    /** Each route: the scope it needs, what success answers, and a fresh target for each call. */
    const routes: {
      name: string;
      scope: Scope;
      success: number;
      call: (key: string | null) => Promise<request.Response>;
    }[] = [
      {
        name: 'POST /workers/jobs',
        scope: 'jobs:write',
        success: 200,
        call: (key) => as(key).post('/workers/jobs', customJob),
      },
      {
        name: 'GET /workers/jobs',
        scope: 'jobs:read',
        success: 200,
        call: (key) => as(key).get('/workers/jobs'),
      },
      {
        name: 'GET /workers/jobs/:id',
        scope: 'jobs:read',
        success: 200,
        call: async (key) => as(key).get(`/workers/jobs/${await submitAs(full, laterJob())}`),
      },
      {
        name: 'GET /workers/jobs/:id/result',
        scope: 'jobs:read',
        success: 200,
        call: async (key) => as(key).get(`/workers/jobs/${await failedJob()}/result`),
      },
      {
        name: 'DELETE /workers/jobs/:id',
        scope: 'jobs:write',
        success: 200,
        call: async (key) => as(key).delete(`/workers/jobs/${await submitAs(full, laterJob())}`),
      },
      {
        name: 'POST /workers/jobs/:id/retry',
        scope: 'jobs:write',
        success: 200,
        call: async (key) => as(key).post(`/workers/jobs/${await failedJob()}/retry`),
      },
      {
        name: 'GET /workers/stats/queue',
        scope: 'jobs:read',
        success: 200,
        call: (key) => as(key).get('/workers/stats/queue'),
      },
      {
        name: 'GET /workers/stats/workers',
        scope: 'metrics:read',
        success: 200,
        call: (key) => as(key).get('/workers/stats/workers'),
      },
      {
        name: 'GET /workers/metrics',
        scope: 'metrics:read',
        success: 200,
        call: (key) => as(key).get('/workers/metrics'),
      },
      {
        name: 'GET /metrics',
        scope: 'metrics:read',
        success: 200,
        call: (key) => as(key).get('/metrics'),
      },
      {
        name: 'POST /workers/schedule',
        scope: 'schedules:write',
        success: 200,
        call: (key) => as(key).post('/workers/schedule', schedule),
      },
      {
        name: 'GET /workers/schedule',
        scope: 'schedules:read',
        success: 200,
        call: (key) => as(key).get('/workers/schedule'),
      },
      {
        name: 'GET /workers/schedule/:id',
        scope: 'schedules:read',
        success: 200,
        call: async (key) => as(key).get(`/workers/schedule/${await scheduleOf()}`),
      },
      {
        name: 'PATCH /workers/schedule/:id',
        scope: 'schedules:write',
        success: 200,
        call: async (key) =>
          as(key).patch(`/workers/schedule/${await scheduleOf()}`, { enabled: false }),
      },
      {
        name: 'POST /workers/schedule/:id/trigger',
        scope: 'schedules:write',
        success: 200,
        call: async (key) => as(key).post(`/workers/schedule/${await scheduleOf()}/trigger`),
      },
      {
        name: 'DELETE /workers/schedule/:id',
        scope: 'schedules:write',
        success: 204,
        call: async (key) => as(key).delete(`/workers/schedule/${await scheduleOf()}`),
      },
      {
        name: 'POST /workers/webhooks',
        scope: 'jobs:write',
        success: 201,
        call: (key) => as(key).post('/workers/webhooks', subscription),
      },
      {
        name: 'GET /workers/webhooks',
        scope: 'jobs:read',
        success: 200,
        call: (key) => as(key).get('/workers/webhooks'),
      },
      {
        name: 'DELETE /workers/webhooks/:id',
        scope: 'jobs:write',
        success: 204,
        call: async (key) => as(key).delete(`/workers/webhooks/${await subscriptionOf()}`),
      },
      {
        name: 'POST /workers/webhooks/secret/rotate',
        scope: 'jobs:write',
        success: 200,
        call: (key) => as(key).post('/workers/webhooks/secret/rotate'),
      },
      {
        name: 'POST /admin/keys',
        scope: 'admin',
        success: 201,
        call: (key) =>
          as(key).post('/admin/keys', { name: 'x', tenant: 'x', scopes: ['jobs:read'] }),
      },
      {
        name: 'GET /admin/keys',
        scope: 'admin',
        success: 200,
        call: (key) => as(key).get('/admin/keys'),
      },
      {
        name: 'GET /admin/keys/:id',
        scope: 'admin',
        success: 200,
        call: async (key) => as(key).get(`/admin/keys/${(await createKey('x', ['jobs:read'])).id}`),
      },
      {
        name: 'DELETE /admin/keys/:id',
        scope: 'admin',
        success: 204,
        call: async (key) =>
          as(key).delete(`/admin/keys/${(await createKey('x', ['jobs:read'])).id}`),
      },
    ];

    it.each(routes.map((route) => [route.name, route] as const))(
      '%s',
      async (_name, route) => {
        const missing = await route.call(null);
        expect(missing.status).toBe(401);
        expect(missing.headers['www-authenticate']).toBe('Bearer realm="RipTide Workers"');
        expect(missing.body).toEqual({
          statusCode: 401,
          error: 'Unauthorized',
          message: expect.stringContaining('An API key is required'),
        });
        const wrong = await route.call(`rt_${randomBytes(32).toString('base64url')}`);
        expect(wrong.status).toBe(401);
        expect(wrong.body).toEqual({
          statusCode: 401,
          error: 'Unauthorized',
          message: 'The API key is not valid (unknown or revoked)',
        });
        expect((await route.call(revoked)).status).toBe(401);
        // A key with every other scope (for admin routes: every scope but admin) is still refused.
        const others =
          route.scope === 'admin'
            ? full
            : (
                await createKey(
                  'a',
                  NON_ADMIN_SCOPES.filter((scope) => scope !== route.scope),
                )
              ).key;
        const forbidden = await route.call(others);
        expect(forbidden.status).toBe(403);
        expect(forbidden.body).toEqual({
          statusCode: 403,
          error: 'Forbidden',
          message: `This API key lacks the scope ${route.scope}`,
        });
        const right =
          route.scope === 'admin' ? ADMIN_KEY : (await createKey('a', [route.scope])).key;
        const allowed = await route.call(right);
        expect({
          route: route.name,
          status: allowed.status,
          body: allowed.status === route.success ? 'ok' : allowed.body,
        }).toEqual({
          route: route.name,
          status: route.success,
          body: 'ok',
        });
      },
      30000,
    );

    it('takes the key from X-API-Key as well as from Authorization: Bearer', async () => {
      const key = (await createKey('a', ['jobs:read'])).key;
      await http().get('/workers/stats/queue').set('X-API-Key', key).expect(200);
      await http().get('/workers/stats/queue').set('X-API-Key', 'rt_nope').expect(401);
    });

    it('keeps health and the API document open, with details only for metrics:read', async () => {
      const open = await http().get('/health').expect(200);
      expect(open.body.info.redis).toEqual({ status: 'up' });
      expect(
        Object.values(open.body.details).every(
          (entry) => Object.keys(entry as object).join() === 'status',
        ),
      ).toBe(true);
      expect((await http().get('/health/live').expect(200)).body.details.event_loop).toEqual({
        status: 'up',
      });
      const withoutScope = await as((await createKey('a', ['jobs:read'])).key)
        .get('/health')
        .expect(200);
      expect(withoutScope.body.details.queue).toEqual({ status: 'up' });
      const detailed = await as((await createKey('a', ['metrics:read'])).key)
        .get('/health')
        .expect(200);
      expect(detailed.body.details.queue).toEqual({ status: 'up', waiting: expect.any(Number) });
      expect((await as('rt_unknown').get('/health')).status).toBe(401);
      await http().get('/docs-json').expect(200);
    });

    it('refuses maintenance jobs to everyone but an admin', async () => {
      const maintenance = { job_type: { type: 'maintenance', task_type: 'health_check' } };
      const refused = await as(full).post('/workers/jobs', maintenance).expect(403);
      expect(refused.body.message).toBe('Maintenance jobs need a key with the admin scope');
      await as(full)
        .post('/workers/schedule', { ...schedule, job_template: maintenance.job_type })
        .expect(403);
      await admin().post('/workers/jobs', maintenance).expect(200);
    });

    it('shows a secret once and keeps only its hash in Redis', async () => {
      const created = await admin()
        .post('/admin/keys', {
          name: 'ci',
          tenant: 'ci',
          scopes: ['jobs:read'],
          max_priority: 'normal',
        })
        .expect(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        name: 'ci',
        tenant: 'ci',
        scopes: ['jobs:read'],
        key_prefix: created.body.key.slice(0, 11),
        created_at: expect.any(String),
        rate_limit_per_sec: null,
        burst: null,
        max_active_jobs: null,
        max_schedules: null,
        max_priority: 'Normal',
        key: expect.stringMatching(/^rt_[A-Za-z0-9_-]{43}$/),
      });
      const { key, ...shown } = created.body;
      expect((await admin().get(`/admin/keys/${shown.id}`).expect(200)).body).toEqual(shown);
      expect((await admin().get('/admin/keys').expect(200)).body).toContainEqual(shown);
      const dump = await dumpRedis(prefix);
      expect(dump).not.toContain(key);
      expect(dump).not.toContain(ADMIN_KEY);
      const invalid = await admin()
        .post('/admin/keys', { name: '', tenant: 'Bad Tenant', scopes: ['jobs:fly'] })
        .expect(400);
      expect(invalid.body.message).toEqual(
        expect.arrayContaining([
          'tenant must be 1-63 characters of a-z, 0-9, _ and -, starting with a letter or digit',
          expect.stringContaining('scopes must each be one of'),
        ]),
      );
      await admin().get(`/admin/keys/${randomUUID()}`).expect(404);
    });
  });

  describe('tenant isolation', () => {
    let a: string;
    let b: string;

    beforeAll(async () => {
      a = (await createKey('tenant-a', [...NON_ADMIN_SCOPES])).key;
      b = (await createKey('tenant-b', [...NON_ADMIN_SCOPES])).key;
    });

    /** Another tenant's id must answer exactly like an id nobody has. */
    const expectLikeUnknown = async (
      call: (id: string) => Promise<request.Response>,
      id: string,
    ) => {
      const unknown = randomUUID();
      const [theirs, nobodys] = [await call(id), await call(unknown)];
      expect(theirs.status).toBe(404);
      expect({ ...theirs.body, message: String(theirs.body.message).replace(id, '<id>') }).toEqual({
        ...nobodys.body,
        message: String(nobodys.body.message).replace(unknown, '<id>'),
      });
    };

    it("keeps each tenant's jobs out of every other tenant's reads, counts and changes", async () => {
      const pending = (await as(a).post('/workers/jobs', laterJob()).expect(200)).body
        .job_id as string;
      const failed = (await as(a).post('/workers/jobs', customJob).expect(200)).body
        .job_id as string;
      await waitFor(
        async () => (await as(a).get(`/workers/jobs/${failed}`)).body.status,
        (s) => s === 'DeadLetter',
        { what: 'the job to fail' },
      );
      const ownView = (await as(a).get(`/workers/jobs/${pending}`).expect(200)).body;
      expect(ownView).toMatchObject({ job_id: pending, tenant: 'tenant-a', status: 'Delayed' });

      await expectLikeUnknown((id) => as(b).get(`/workers/jobs/${id}`), pending);
      await expectLikeUnknown((id) => as(b).get(`/workers/jobs/${id}/result`), failed);
      await expectLikeUnknown((id) => as(b).delete(`/workers/jobs/${id}`), pending);
      await expectLikeUnknown((id) => as(b).post(`/workers/jobs/${id}/retry`), failed);
      // Nothing changed: the pending job was not cancelled, the failed one not replayed.
      expect((await as(a).get(`/workers/jobs/${pending}`)).body.status).toBe('Delayed');
      expect((await as(a).get(`/workers/jobs/${failed}`)).body.status).toBe('DeadLetter');

      const listB = (await as(b).get('/workers/jobs?limit=500').expect(200)).body;
      expect(listB.jobs.map((job: { job_id: string }) => job.job_id)).not.toEqual(
        expect.arrayContaining([pending]),
      );
      expect(listB.total).toBe(listB.jobs.length);
      expect(listB.jobs.every((job: { tenant: string }) => job.tenant === 'tenant-b')).toBe(true);
      // Asking for another tenant is ignored for non-admins.
      expect((await as(b).get('/workers/jobs?tenant=tenant-a').expect(200)).body.total).toBe(
        listB.total,
      );
      expect((await as(b).get('/workers/stats/queue?tenant=tenant-a').expect(200)).body.total).toBe(
        listB.total,
      );

      const listA = (await as(a).get('/workers/jobs').expect(200)).body;
      expect(listA).toMatchObject({ total: 2 });
      expect((await as(a).get('/workers/stats/queue').expect(200)).body).toMatchObject({
        total: 2,
        delayed: 1,
        dead_letter: 1,
      });
      expect((await as(b).get('/workers/stats/queue').expect(200)).body.total).toBe(0);

      // An admin sees every tenant, and may narrow to one.
      const all = (await admin().get('/workers/jobs?limit=500').expect(200)).body;
      expect(all.jobs.map((job: { job_id: string }) => job.job_id)).toEqual(
        expect.arrayContaining([pending, failed]),
      );
      expect((await admin().get('/workers/jobs?tenant=tenant-a').expect(200)).body.total).toBe(2);
      expect(
        (await admin().get('/workers/stats/queue?tenant=tenant-a').expect(200)).body.total,
      ).toBe(2);
      expect((await admin().get(`/workers/jobs/${pending}`).expect(200)).body.tenant).toBe(
        'tenant-a',
      );
    });

    it("keeps each tenant's schedules and the jobs they fire to itself", async () => {
      const created = (await as(a).post('/workers/schedule', schedule).expect(200)).body;
      expect(created.tenant).toBe('tenant-a');
      const id = created.id as string;
      expect(
        (await as(b).get('/workers/schedule').expect(200)).body.map((s: { id: string }) => s.id),
      ).not.toContain(id);
      await expectLikeUnknown((sid) => as(b).get(`/workers/schedule/${sid}`), id);
      await expectLikeUnknown(
        (sid) => as(b).patch(`/workers/schedule/${sid}`, { enabled: false }),
        id,
      );
      await expectLikeUnknown((sid) => as(b).post(`/workers/schedule/${sid}/trigger`), id);
      await expectLikeUnknown((sid) => as(b).delete(`/workers/schedule/${sid}`), id);
      expect((await as(a).get(`/workers/schedule/${id}`).expect(200)).body).toMatchObject({
        enabled: true,
        execution_count: 0,
      });

      const fired = (await as(a).post(`/workers/schedule/${id}/trigger`).expect(200)).body
        .job_id as string;
      expect((await as(a).get(`/workers/jobs/${fired}`).expect(200)).body).toMatchObject({
        tenant: 'tenant-a',
        metadata: { scheduled_job_id: id },
      });
      await as(b).get(`/workers/jobs/${fired}`).expect(404);
      expect((await admin().get('/workers/schedule?tenant=tenant-b').expect(200)).body).toEqual([]);
      expect(
        (await admin().get('/workers/schedule').expect(200)).body.map((s: { id: string }) => s.id),
      ).toContain(id);
    });
  });

  it("documents both ways of sending a key, and every route's scope, 401 and 403, in the OpenAPI document", async () => {
    const { body: doc } = await http().get('/docs-json').expect(200);
    expect(doc.components.securitySchemes).toEqual({
      bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
      api_key: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }),
    });
    const operations = Object.entries(
      doc.paths as Record<
        string,
        Record<
          string,
          { security?: object[]; responses: Record<string, unknown>; 'x-required-scope'?: string }
        >
      >,
    ).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        route: `${method.toUpperCase()} ${path}`,
        operation,
      })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(22);
    for (const { route, operation } of operations) {
      const open = route.includes(' /health');
      expect({ route, security: operation.security }).toEqual({
        route,
        security: expect.arrayContaining([{ bearer: [] }, { api_key: [] }]),
      });
      expect({
        route,
        has401: '401' in operation.responses,
        has403: '403' in operation.responses,
        scoped: typeof operation['x-required-scope'] === 'string',
      }).toEqual({
        route,
        has401: true,
        // Open routes answer 403 too: in local mode, to a Host that is not a loopback name.
        has403: true,
        scoped: !open,
      });
    }
    expect(doc.paths['/admin/keys'].post['x-required-scope']).toBe('admin');
    expect(doc.paths['/workers/jobs'].post['x-required-scope']).toBe('jobs:write');
  });

  it('sends no CORS headers, and lets only listed origins in when CORS_ORIGINS is set', async () => {
    const plain = await http().get('/health').set('Origin', 'https://evil.example');
    expect(plain.headers['access-control-allow-origin']).toBeUndefined();
    const corsPrefix = uniquePrefix('cors');
    const withCors = await bootApi(
      redisUrl,
      testEnv(corsPrefix, { WORKER_POOL_SIZE: '0', CORS_ORIGINS: 'https://app.example' }),
    );
    try {
      const allowed = await request(withCors.getHttpServer())
        .get('/health')
        .set('Origin', 'https://app.example');
      expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example');
      const other = await request(withCors.getHttpServer())
        .get('/health')
        .set('Origin', 'https://evil.example');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await withCors.close();
      await deleteKeysWithPrefix(redisUrl, corsPrefix);
    }
  });

  it('lets only an admin key into the dashboard, by HTTP Basic', async () => {
    const basic = (password: string) =>
      `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
    const refused = await http().get('/admin/queues').expect(401);
    expect(refused.headers['www-authenticate']).toMatch(/^Basic realm="RipTide Workers"/);
    await http()
      .get('/admin/queues')
      .set('Authorization', basic((await createKey('a', [...NON_ADMIN_SCOPES])).key))
      .expect(401);
    await http()
      .get('/admin/queues/api/queues')
      .set('Authorization', basic('rt_wrong'))
      .expect(401);
    await http().get('/admin/queues').set('Authorization', basic(ADMIN_KEY)).expect(200);
    await http()
      .get('/admin/queues')
      .set('Authorization', basic((await createKey('ops', ['admin'])).key))
      .expect(200);
  });
});

/** Every string value under a prefix, to search for secrets. */
async function dumpRedis(prefix: string): Promise<string> {
  const { default: Redis } = await import('ioredis');
  const client = new Redis(redisUrl);
  try {
    const keys = await client.keys(`${prefix}:*`);
    const parts: string[] = [];
    for (const key of keys) {
      const type = await client.type(key);
      if (type === 'string') parts.push(String(await client.get(key)));
      else if (type === 'hash') parts.push(JSON.stringify(await client.hgetall(key)));
      else if (type === 'list') parts.push((await client.lrange(key, 0, -1)).join());
      else if (type === 'set') parts.push((await client.smembers(key)).join());
      else if (type === 'zset') parts.push((await client.zrange(key, 0, -1)).join());
    }
    return parts.join('\n');
  } finally {
    client.disconnect();
  }
}
