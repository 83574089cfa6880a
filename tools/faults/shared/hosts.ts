import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '@riptide/testing';
import { ManagedProcess, sleep, spawnManaged, waitUntil } from './processes';

const ROOT = resolve(__dirname, '../../..');
let appsDir = join(ROOT, 'dist/apps');

/**
 * Where the built hosts are (default dist/apps of this checkout). A copy elsewhere keeps a run
 * steady while the checkout's dist is rebuilt.
 */
export function useAppsDir(dir: string): void {
  appsDir = resolve(dir);
}

export const apiMain = () => join(appsDir, 'api/main.js');
export const workerMain = () => join(appsDir, 'worker/main.js');

/** Fails early with the command to run when the hosts have not been built. */
export function assertHostsBuilt(): void {
  const missing = [apiMain(), workerMain()].filter((path) => !existsSync(path));
  if (missing.length)
    throw new Error(
      `missing ${missing.join(', ')}: run \`npx nx build api && npx nx build worker\` first`,
    );
}

/** Lock and stall timings short enough that a dead worker's jobs come back within seconds. */
export const LOCK_DURATION_MS = 2000;
export const STALLED_INTERVAL_MS = 1000;

/**
 * The environment every host of the suite runs with: limits raised so the load generator is never
 * throttled (throttling would hide the faults), private networks allowed so the crawls can reach
 * the fixture on 127.0.0.1, no scheduler (nothing else should create jobs).
 */
export function hostEnv(overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    WORKER_ENABLE_SCHEDULER: 'false',
    WORKER_LOCK_DURATION_MS: String(LOCK_DURATION_MS),
    WORKER_STALLED_INTERVAL_MS: String(STALLED_INTERVAL_MS),
    WORKER_SHUTDOWN_GRACE_MS: '2000',
    CRAWL_ALLOW_PRIVATE_NETWORKS: 'true',
    // Every job crawls the same fixture host; the default of 4 in flight would be the bottleneck.
    CRAWL_HOST_CONCURRENCY: '64',
    RATE_LIMIT_PER_SEC: '100000',
    RATE_LIMIT_BURST: '100000',
    TENANT_MAX_ACTIVE_JOBS: '1000000',
  };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** The HTTP host, restartable on the same port. */
export class ApiHost {
  process?: ManagedProcess;
  port = 0;

  constructor(
    readonly env: Record<string, string | undefined>,
    private readonly logDir: string,
    readonly name = 'api',
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.port = this.port || (await freePort());
    this.process = spawnManaged(
      this.name,
      process.execPath,
      [apiMain()],
      hostEnv({ ...this.env, PORT: String(this.port) }),
      join(this.logDir, `${this.name}.log`),
    );
    const child = this.process;
    const up = await untilExit(
      child,
      waitUntil(
        async () => {
          const res = await fetch(`${this.url}/health/live`, { signal: AbortSignal.timeout(1000) });
          return res.status === 200;
        },
        60000,
        150,
      ),
    );
    if (!up) throw new Error(`${this.name} did not come up (see ${child.logPath})`);
  }

  async kill(): Promise<void> {
    await this.process?.kill();
  }

  async stop(): Promise<void> {
    await this.process?.stop();
  }
}

/** A headless worker host (`node dist/apps/worker/main.js`). */
export class WorkerHost {
  process?: ManagedProcess;
  starts = 0;

  constructor(
    readonly env: Record<string, string | undefined>,
    private readonly logDir: string,
    readonly name: string,
  ) {}

  /** Starts the worker and waits for its "worker running" log line. */
  async start(): Promise<void> {
    this.starts++;
    const logPath = join(this.logDir, `${this.name}.log`);
    const before = existsSync(logPath)
      ? readFileSync(logPath, 'utf8').split('worker running').length
      : 1;
    this.process = spawnManaged(
      this.name,
      process.execPath,
      [workerMain()],
      hostEnv(this.env),
      logPath,
    );
    const child = this.process;
    const up = await untilExit(
      child,
      waitUntil(
        () => readFileSync(logPath, 'utf8').split('worker running').length > before,
        60000,
        100,
      ),
    );
    if (!up) throw new Error(`${this.name} did not come up (see ${logPath})`);
  }

  async kill(): Promise<void> {
    await this.process?.kill();
  }

  async stop(): Promise<void> {
    await this.process?.stop();
  }
}

/** `ready`, or false as soon as the process exits (a host that fails at boot says why in its log). */
async function untilExit(child: ManagedProcess, ready: Promise<boolean>): Promise<boolean> {
  return Promise.race([ready, child.exited.then(() => false)]);
}

/** Starts several hosts at once (boot is CPU-bound; starting them together still saves time). */
export async function startAll(hosts: { start(): Promise<void> }[]): Promise<void> {
  await Promise.all(
    hosts.map(async (host, index) => {
      await sleep(index * 50);
      await host.start();
    }),
  );
}
