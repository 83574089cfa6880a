import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadHostConfig } from '@riptide/host';
import type { DestinationStream } from 'pino';
import { createApiApp } from './create-api-app';

/** Environment of a host under test: silent, fast lock recovery, fixture site allowed. */
export function testEnv(prefix: string, extra: Record<string, string> = {}): Record<string, string> {
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
export async function bootApi(redisUrl: string, env: Record<string, string>, logDestination?: DestinationStream): Promise<NestFastifyApplication> {
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
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[worker ${child.pid}] ${chunk.toString()}`));
  return child;
}

/** Starts the built API host (dist/apps/api/main.js) as a real child process; its stderr is collected. */
export function spawnApi(env: Record<string, string>): { child: ChildProcess; stderr: () => string } {
  const main = join(__dirname, '../../../../dist/apps/api/main.js');
  const child = spawn(process.execPath, [main], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, stderr: () => stderr };
}

export function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
