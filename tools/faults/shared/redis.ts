import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freePort, redisAnswersPing } from '@riptide/testing';
import { ManagedProcess, spawnManaged, waitUntil } from './processes';

export type FsyncPolicy = 'everysec' | 'always';

export interface FaultRedisOptions {
  dataDir: string;
  logDir: string;
  fsync?: FsyncPolicy;
  /** Extra redis-server arguments (replication, for instance). */
  extraArgs?: string[];
  name?: string;
}

/**
 * A redis-server the suite owns, configured like production (AOF on, noeviction), and restartable
 * on the same port and data folder after it has been killed.
 */
export class FaultRedis {
  process?: ManagedProcess;
  port = 0;

  constructor(private readonly options: FaultRedisOptions) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get name(): string {
    return this.options.name ?? 'redis';
  }

  async start(): Promise<void> {
    mkdirSync(this.options.dataDir, { recursive: true });
    this.port = this.port || (await freePort());
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      this.options.dataDir,
      '--appendonly',
      'yes',
      '--appendfsync',
      this.options.fsync ?? 'everysec',
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
      '--daemonize',
      'no',
      '--loglevel',
      'notice',
      ...(this.options.extraArgs ?? []),
    ];
    this.process = spawnManaged(
      this.name,
      'redis-server',
      args,
      process.env,
      join(this.options.logDir, `${this.name}.log`),
    );
    const ready = await waitUntil(() => ping(this.port), 30000, 50);
    if (!ready)
      throw new Error(
        `${this.name} did not answer PING on port ${this.port} (see ${this.options.logDir}/${this.name}.log)`,
      );
  }

  async kill(): Promise<void> {
    await this.process?.kill();
  }

  async stop(): Promise<void> {
    await this.process?.stop();
  }
}

/** True when a server on `port` answers PONG (not LOADING, not refused) within a second. */
export const ping = (port: number): Promise<boolean> => redisAnswersPing(port, 1000);

/** Runs one command against the server on `port`, with a short timeout. */
export async function redisCommand(
  port: number,
  command: string,
  ...args: (string | number)[]
): Promise<unknown> {
  const client = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 2000,
    commandTimeout: 3000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.call(command, ...args);
  } finally {
    client.disconnect();
  }
}
