// Helpers of the metrics and health e2e specs: real worker processes and an HTTP app on Fastify.
import { DynamicModule, INestApplication } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { AuthModule } from '@riptide/auth';
import { QueueModule, QueueModuleOptions } from '@riptide/queue';
import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import Redis from 'ioredis';
import { MetricsModule, MetricsModuleOptions } from '@riptide/metrics';
import { ApiExceptionFilter, WorkersApiModule } from '../index';
import { spawnFixture } from './fixture-process.util';

export interface WorkerProcess {
  child: ChildProcess;
  workerId: string;
  /** SIGTERM and wait for a clean exit. */
  stop(): Promise<void>;
  /** SIGKILL: the process dies without leaving the registry. */
  kill(): Promise<void>;
}

/** Starts worker-process.fixture.ts as a real Node process and waits until it runs jobs. */
export function startWorkerProcess(settings: {
  redisUrl: string;
  prefix: string;
  poolSize: number;
  heartbeatIntervalMs: number;
  missedHeartbeats: number;
}): Promise<WorkerProcess> {
  const { child, stderr, exited } = spawnFixture('worker-process.fixture.ts', settings);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`worker process did not start: ${stderr()}`)),
      30000,
    );
    child.once('exit', (code) =>
      reject(new Error(`worker process exited with ${code}: ${stderr()}`)),
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      const match = /ready (\S+)/.exec(chunk.toString());
      if (!match) return;
      clearTimeout(timer);
      resolve({
        child,
        workerId: match[1],
        stop: async () => {
          child.kill('SIGTERM');
          await exited();
        },
        kill: async () => {
          child.kill('SIGKILL');
          await exited();
        },
      });
    });
  });
}

/**
 * An HTTP app on Fastify with QueueModule (global), MetricsModule (global), WorkersApiModule with
 * its metrics and health routes, the API's error filter and
 * AuthModule in open mode (every caller is the admin), since the metrics routes are guarded.
 */
export async function createHttpApp(
  queue: QueueModuleOptions,
  metrics: MetricsModuleOptions,
  extra: DynamicModule[] = [],
  beforeInit?: (app: NestFastifyApplication) => Promise<void>,
): Promise<NestFastifyApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      QueueModule.forRoot({ isGlobal: true, ...queue }),
      AuthModule.forRoot({
        isGlobal: true,
        mode: 'open',
        redisUrl: queue.redisUrl,
        prefix: queue.prefix ?? 'riptide',
      }),
      MetricsModule.forRoot({ isGlobal: true, defaultMetrics: true, ...metrics }),
      WorkersApiModule.forRoot({ metrics: true }),
      ...extra,
    ],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
    logger: ['error'],
  });
  app.useGlobalFilters(new ApiExceptionFilter(app.get(HttpAdapterHost)));
  app.enableShutdownHooks();
  await beforeInit?.(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

export const closeAll = async (apps: INestApplication[]) => {
  for (let app = apps.pop(); app; app = apps.pop()) await app.close();
};

/** Parses Prometheus text exposition into samples; fails on a line that is not valid. */
export function parsePrometheus(text: string): {
  samples: { name: string; labels: Record<string, string>; value: number }[];
  types: Record<string, string>;
} {
  const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
  const types: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types[type[1]] = type[2];
      continue;
    }
    if (line.startsWith('# HELP ')) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample) throw new Error(`not a Prometheus sample: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (sample[2] ?? '').matchAll(
      /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g,
    ))
      labels[key] = value;
    const value =
      sample[3] === '+Inf' ? Infinity : sample[3] === '-Inf' ? -Infinity : Number(sample[3]);
    if (Number.isNaN(value) && sample[3] !== 'NaN') throw new Error(`not a number: ${line}`);
    samples.push({ name: sample[1], labels, value });
  }
  return { samples, types };
}

/** A redis-server of the test's own, to stop and start again on the same port. */
export class DisposableRedis {
  private child?: ChildProcess;

  private constructor(readonly port: number) {}

  static async start(): Promise<DisposableRedis> {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const redis = new DisposableRedis(port);
    await redis.up();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    this.child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    const client = new Redis(this.url, {
      lazyConnect: true,
      retryStrategy: () => 50,
      maxRetriesPerRequest: null,
    });
    client.on('error', () => undefined);
    try {
      await client.connect().catch(() => undefined);
      await client.ping();
    } finally {
      client.disconnect();
    }
  }

  async down(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child) return;
    child.kill('SIGKILL');
    await new Promise<void>((resolve) =>
      child.exitCode !== null || child.signalCode !== null
        ? resolve()
        : child.once('exit', () => resolve()),
    );
  }
}
