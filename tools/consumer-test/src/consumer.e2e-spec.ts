import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AppProcess, CommandResult, request, run, startApp } from './consumer-app.util';
import { ConsumerApp, installedVersion, prepareConsumerApp } from './consumer-install.util';

/**
 * The libraries as another team gets them: built, packed with npm, installed from the tarballs
 * into a new Nest application outside the workspace (its own package.json, strict TypeScript,
 * moduleResolution node) with every peer at the low end of its declared range, compiled with
 * tsc, and booted against the harness's redis-server.
 */
const ALL_LIBRARIES = [
  'auth',
  'crawl-options',
  'crawler',
  'host',
  'metrics',
  'processors',
  'queue',
  'redis',
  'scheduler',
  'testing',
  'webhooks',
  'workers-api',
];
const redisUrl = process.env['RIPTIDE_TEST_REDIS_URL']!;
const running: AppProcess[] = [];

async function stopAll(): Promise<void> {
  await Promise.all(running.splice(0).map((app) => app.stop()));
}

function expectInstalledAtLowEnd(app: ConsumerApp): void {
  expect(app.install.output).not.toMatch(/ERESOLVE/);
  expect(app.install).toMatchObject({ code: 0 });
  for (const [name, version] of Object.entries(app.lowEnd))
    expect(`${name}@${installedVersion(app, name)}`).toBe(`${name}@${version}`);
}

function expectCompiled(app: ConsumerApp): void {
  expect(app.install.code).toBe(0);
  expect(app.compile).toEqual({ code: 0, output: '' });
}

afterEach(stopAll);

describe('@riptide/queue alone (with @riptide/redis and @riptide/crawl-options, its dependencies) in another Nest service', () => {
  let app: ConsumerApp;

  beforeAll(async () => {
    app = await prepareConsumerApp({
      libraries: ['crawl-options', 'redis', 'queue'],
      sources: ['greet.handler.ts', 'queue-only.main.ts', 'testing-entry.ts'],
      readmes: false,
    });
  }, 150_000);

  afterAll(() => rmSync(app.dir, { recursive: true, force: true }));

  it('installs with Nest, bull and ioredis at the low end of its peer ranges', () => {
    expectInstalledAtLowEnd(app);
    expect(app.lowEnd).toMatchObject({
      '@nestjs/common': '11.0.0',
      bull: '4.16.0',
      ioredis: '5.3.2',
    });
  });

  it('compiles under strict TypeScript with moduleResolution node, @riptide/queue/testing included', () => {
    expectCompiled(app);
  });

  it('resolves @riptide/queue/testing at run time', async () => {
    const loaded = await run(
      process.execPath,
      ['-e', "require('@riptide/queue/testing').TestJobHandlersModule.name"],
      app.dir,
    );
    expect(loaded).toEqual({ code: 0, output: '' });
  });

  it('runs custom jobs to Completed, one after a retry, with only QueueModule and one handler', async () => {
    const process_ = startApp('dist/queue-only.main.js', app.dir, {
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: `consumer-q-${process.pid}`,
    });
    running.push(process_);
    const [line] = await process_.waitForLine(/^\{.*\}$/, 30_000);
    expect(JSON.parse(line)).toEqual({
      jobs: [
        { status: 'Completed', lastError: null, result: { greeting: 'hello ada', attempt: 1 } },
        {
          status: 'Completed',
          lastError: 'first attempt fails',
          result: { greeting: 'hello bob', attempt: 2 },
        },
      ],
      counts: { completed: 2, total: 2 },
    });
  }, 40_000);
});

describe('every library in another Nest service', () => {
  let app: ConsumerApp;

  beforeAll(async () => {
    app = await prepareConsumerApp({
      libraries: ALL_LIBRARIES,
      sources: [
        'greet.handler.ts',
        'orders.controller.ts',
        'not-found.filter.ts',
        'api.main.ts',
        'testing-entry.ts',
        'boot-example.main.ts',
      ],
      readmes: true,
    });
  }, 240_000);

  afterAll(() => rmSync(app.dir, { recursive: true, force: true }));

  it('packs no test code: no spec, e2e or test-only file in any tarball', () => {
    const testFiles = Object.values(app.packed)
      .flat()
      .filter((file) => /(\.spec|\.e2e-spec|\.e2e-child|\.spec-helper)\.|\/e2e\//.test(file));
    expect(Object.keys(app.packed)).toHaveLength(ALL_LIBRARIES.length);
    expect(testFiles).toEqual([]);
  });

  it('installs with every peer at the low end of its range', () => {
    expectInstalledAtLowEnd(app);
  });

  it('compiles the application and every ```ts block of the READMEs under strict TypeScript', () => {
    expectCompiled(app);
  });

  it('boots every README example that declares an AppModule', async () => {
    const examples = readdirSync(join(app.dir, 'src/readme')).filter((file) =>
      /export class AppModule\b/.test(readFileSync(join(app.dir, 'src/readme', file), 'utf8')),
    );
    expect(examples.sort()).toEqual([
      'auth-1.ts',
      'metrics-1.ts',
      'processors-1.ts',
      'queue-1.ts',
      'root-2.ts',
      'scheduler-1.ts',
      'webhooks-1.ts',
      'workers-api-1.ts',
    ]);
    const env = {
      ...process.env,
      REDIS_URL: redisUrl,
      ADMIN_KEY: 'consumer-test-admin-key-of-32-characters',
    };
    const booted: Record<string, CommandResult> = {};
    for (const file of examples) {
      booted[file] = await run(
        process.execPath,
        ['dist/boot-example.main.js', join(app.dir, 'dist/readme', file.replace(/\.ts$/, '.js'))],
        app.dir,
        env,
      );
    }
    expect(booted).toEqual(
      Object.fromEntries(examples.map((file) => [file, { code: 0, output: 'booted\n' }])),
    );
  }, 90_000);

  describe('WorkersApiModule beside the service’s own controller', () => {
    async function boot(withWorkersApi: boolean): Promise<string> {
      const started = startApp('dist/api.main.js', app.dir, {
        REDIS_URL: redisUrl,
        QUEUE_PREFIX: `consumer-api-${process.pid}`,
        WITH_WORKERS_API: withWorkersApi ? '1' : '0',
      });
      running.push(started);
      const [, port] = await started.waitForLine(/^listening (\d+)$/, 30_000);
      return `http://127.0.0.1:${port}`;
    }

    /** The service's own routes: a body the libraries' DTOs do not know, its own 404 bodies. */
    async function ownRoutes(base: string) {
      return {
        create: await request(base, 'POST', '/orders', { sku: 'A-1', quantity: 2, note: 'gift' }),
        unknownOrder: await request(base, 'GET', '/orders/42'),
        unknownRoute: await request(base, 'GET', '/no-such-route'),
      };
    }

    it('leaves the service’s own routes answering exactly as they do without the library', async () => {
      const json = expect.stringMatching(/^application\/json/);
      const without = await ownRoutes(await boot(false));
      expect(without).toEqual({
        create: {
          status: 201,
          contentType: json,
          body: { order_id: 'ord-1', sku: 'A-1', quantity: 2, note: 'gift' },
        },
        unknownOrder: {
          status: 404,
          contentType: json,
          body: { code: 'ORDER_NOT_FOUND', order: '42' },
        },
        unknownRoute: {
          status: 404,
          contentType: json,
          body: { code: 'NO_SUCH_ROUTE', path: '/no-such-route' },
        },
      });
      await stopAll();

      expect(await ownRoutes(await boot(true))).toEqual(without);
    }, 60_000);

    it('runs a job submitted through POST /workers/jobs to Completed, without SchedulerModule', async () => {
      const base = await boot(true);
      const submitted = await request(base, 'POST', '/workers/jobs', {
        job_type: { type: 'custom', job_name: 'greet', payload: { name: 'grace' } },
      });
      expect(submitted).toMatchObject({
        status: 200,
        body: { status: 'submitted', job_id: expect.any(String) },
      });
      const jobId = (submitted.body as { job_id: string }).job_id;

      const deadline = Date.now() + 20_000;
      let status = await request(base, 'GET', `/workers/jobs/${jobId}`);
      while (
        !['Completed', 'Failed', 'DeadLetter'].includes(
          (status.body as { status: string }).status,
        ) &&
        Date.now() < deadline
      ) {
        await new Promise((r) => setTimeout(r, 100));
        status = await request(base, 'GET', `/workers/jobs/${jobId}`);
      }
      expect(status).toMatchObject({
        status: 200,
        body: { job_id: jobId, status: 'Completed', last_error: null },
      });
      const result = await request(base, 'GET', `/workers/jobs/${jobId}/result`);
      expect(result).toMatchObject({
        status: 200,
        body: {
          job_id: jobId,
          success: true,
          data: { greeting: 'hello grace', attempt: 1 },
          error: null,
        },
      });
    }, 60_000);
  });
});
