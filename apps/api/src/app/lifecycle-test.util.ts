import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOST_LOCK_FILE, findFreePort } from '@riptide/host';
import {
  HostProcess,
  isRunning,
  pidsWithCommandLine,
  redisServersIn,
  spawnHostProcess,
  waitForExit,
} from './test-app.util';

/** WORKER_SHUTDOWN_GRACE_MS of the hosts under test. */
export const GRACE_MS = 500;

/** Time between the host's exit and the test seeing it, on a busy machine. */
export const EXIT_NOTICE_SLACK_MS = 400;

/** Where a host with RIPTIDE_DATA_DIR `dataDir` keeps its embedded redis-server's files. */
export function redisDirOf(dataDir: string): string {
  return join(dataDir, 'redis');
}

/** The pid of the host that holds the data folder, from its lock file. */
export function lockOwnerOf(dataDir: string): number {
  return (
    JSON.parse(readFileSync(join(redisDirOf(dataDir), HOST_LOCK_FILE), 'utf8')) as {
      host: { pid: number };
    }
  ).host.pid;
}

/** Environment of a host under test: the embedded redis-server (no REDIS_URL), a short grace period. */
export function hostEnv(dataDir: string, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    RIPTIDE_DATA_DIR: dataDir,
    WORKER_SHUTDOWN_GRACE_MS: String(GRACE_MS),
    WORKER_ENABLE_SCHEDULER: 'false',
    LOG_LEVEL: 'warn',
  };
  for (const name of [
    'REDIS_URL',
    'WORKER_REDIS_URL',
    'REDIS_SENTINELS',
    'REDIS_CLUSTER_NODES',
    'RIPTIDE_ADMIN_KEY',
    'RIPTIDE_AUTH',
    'HOST',
  ])
    delete env[name];
  return env;
}

/** Polls `probe` until `accept` says yes; fails after `timeoutMs`, saying what it waited for. */
async function pollUntil<T>(
  probe: () => Promise<T> | T,
  accept: (value: T) => boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!accept(await probe())) {
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Milliseconds from `signal()` to the exit of `child`. */
export async function timeToExit(child: ChildProcess, signal: () => void): Promise<number> {
  const started = Date.now();
  const exited = waitForExit(child);
  signal();
  await exited;
  return Date.now() - started;
}

/** The HTTP status of a GET, or 0 when nothing answers. */
export async function statusOf(url: string): Promise<number> {
  return fetch(url).then(
    (response) => response.status,
    () => 0,
  );
}

/** A host under test, serving on `baseUrl`. */
export interface RunningHost extends HostProcess {
  baseUrl: string;
}

/**
 * Starts hosts as real processes and makes sure that nothing they started outlives the test:
 * every process group, every redis-server in their data folders and its watchdog are killed.
 */
export class LifecycleHarness {
  private readonly hosts: HostProcess[] = [];
  private readonly dataDirs: string[] = [];

  newDataDir(): string {
    const dataDir = mkdtempSync(join(tmpdir(), 'rt-lifecycle-'));
    this.dataDirs.push(dataDir);
    return dataDir;
  }

  /** Starts a process (the API host unless `command` says otherwise) and keeps track of it. */
  start(env: NodeJS.ProcessEnv, command?: Parameters<typeof spawnHostProcess>[1]): HostProcess {
    const host = spawnHostProcess(env, command);
    this.hosts.push(host);
    return host;
  }

  /** Starts a host on `dataDir` and waits until GET /health answers 200. */
  async boot(
    dataDir: string,
    command?: Parameters<typeof spawnHostProcess>[1],
  ): Promise<RunningHost> {
    const port = await findFreePort();
    const host = this.start(hostEnv(dataDir, port), command);
    const baseUrl = `http://127.0.0.1:${port}`;
    await pollUntil(
      () =>
        host.child.exitCode === null
          ? statusOf(`${baseUrl}/health`)
          : Promise.reject(new Error(`the host exited early:\n${host.output()}`)),
      (status) => status === 200,
      20000,
      'the host to serve',
    );
    return { ...host, baseUrl };
  }

  async cleanUp(): Promise<void> {
    for (const { child } of this.hosts.splice(0)) {
      if (child.pid && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* the group is gone */
        }
        await waitForExit(child);
      }
    }
    for (const dataDir of this.dataDirs.splice(0)) {
      for (const redis of redisServersIn(redisDirOf(dataDir)).flatMap((pid) => [
        ...pidsWithCommandLine(`riptide-watchdog ${pid}`),
        pid,
      ])) {
        try {
          process.kill(redis, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      await pollUntil(
        () => redisServersIn(redisDirOf(dataDir)).some(isRunning),
        (running) => !running,
        10000,
        'the redis-servers to exit',
      );
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
}
