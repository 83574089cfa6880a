import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadHostConfig } from '@riptide/host';
import type { DestinationStream } from 'pino';
import { createApiApp } from './create-api-app';

/** Environment of a host under test: silent, fast lock recovery, fixture site allowed. */
export function testEnv(
  prefix: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    RIPTIDE_PREFIX: prefix,
    LOG_LEVEL: 'silent',
    CRAWL_ALLOW_PRIVATE_NETWORKS: 'true',
    WORKER_LOCK_DURATION_MS: '2000',
    WORKER_STALLED_INTERVAL_MS: '1000',
    WORKER_SHUTDOWN_GRACE_MS: '500',
    WORKER_ENABLE_SCHEDULER: 'false',
    ...extra,
  };
}

/** Boots the real API host in this process (Fastify, every module) and waits until it serves. */
export async function bootApi(
  redisUrl: string,
  env: Record<string, string>,
  logDestination?: DestinationStream,
): Promise<NestFastifyApplication> {
  const app = await createApiApp(loadHostConfig(env), redisUrl, logDestination);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

/** Starts the built headless worker host (dist/apps/worker/main.js) as a real child process. */
export function spawnWorker(redisUrl: string, env: Record<string, string>): ChildProcess {
  const main = join(__dirname, '../../../../dist/apps/worker/main.js');
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, ...env, REDIS_URL: redisUrl },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) =>
    process.stderr.write(`[worker ${child.pid}] ${chunk.toString()}`),
  );
  return child;
}

/** Starts the built API host (dist/apps/api/main.js) as a real child process; its stderr is collected. */
export function spawnApi(env: Record<string, string>): {
  child: ChildProcess;
  stderr: () => string;
} {
  const main = join(__dirname, '../../../../dist/apps/api/main.js');
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, stderr: () => stderr };
}

export function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** A host started as a child process in its own process group, with everything it prints collected. */
export interface HostProcess {
  child: ChildProcess;
  /** stdout and stderr, interleaved as they arrived. */
  output: () => string;
}

/**
 * Starts `command` (the built API host by default) in a new process group, as a terminal would:
 * a signal to `-child.pid` reaches the whole group, like Ctrl-C does. `env` is its whole environment.
 */
export function spawnHostProcess(
  env: NodeJS.ProcessEnv,
  command: { file: string; args: string[]; cwd?: string } = {
    file: process.execPath,
    args: [join(__dirname, '../../../../dist/apps/api/main.js')],
  },
): HostProcess {
  const child = spawn(command.file, command.args, {
    cwd: command.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

/** Pids of the processes of this machine whose short name is `name` (Linux /proc). */
export function pidsNamed(name: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        // A zombie has exited; it only waits for its parent to collect it.
        return (
          readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === name &&
          stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
        );
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Pids of the running redis-servers working in `dataDir` (redis-server works in its --dir). */
export function redisServersIn(dataDir: string): number[] {
  let folder: string;
  try {
    folder = realpathSync(dataDir);
  } catch {
    return [];
  }
  return pidsNamed('redis-server').filter((pid) => {
    try {
      return readlinkSync(`/proc/${pid}/cwd`) === folder;
    } catch {
      return false;
    }
  });
}

/** Pids of running processes whose command line contains `text`. */
export function pidsWithCommandLine(text: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Whether a process runs (a zombie does not). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
