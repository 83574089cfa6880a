import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import Redis from 'ioredis';
import { RedisServerStartError } from './redis-server-start.error';

/** Options for a private redis-server child process. */
export interface RedisServerProcessOptions {
  /** TCP port on 127.0.0.1; default: a free port chosen by the OS. */
  port?: number;
  /** Folder for the RDB/AOF files; created when missing. */
  dataDir: string;
  /** Append-only file on (durable across restarts). Default true. */
  appendOnly?: boolean;
  /** The redis-server binary. Default `redis-server` from PATH. */
  binary?: string;
  /** How long to wait for the first PONG. Default 10 s. */
  startTimeoutMs?: number;
  /**
   * `maxmemory` (`1gb`, `512mb`, bytes); with the `noeviction` policy a full server refuses
   * writes instead of dropping keys. Default: no limit.
   */
  maxMemory?: string;
}

/** Asks the OS for a free TCP port on 127.0.0.1. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A redis-server owned by this process: bound to 127.0.0.1 only, with its data in a local
 * folder. Used as the embedded default of the hosts and as the private Redis of the tests.
 */
export class RedisServerProcess {
  private child?: ChildProcess;
  private portInUse = 0;

  constructor(private readonly options: RedisServerProcessOptions) {}

  get port(): number {
    return this.portInUse;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.portInUse}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the server (on the same port as before when restarted) and waits until it answers. */
  async start(): Promise<void> {
    if (this.child) return;
    mkdirSync(this.options.dataDir, { recursive: true });
    this.portInUse = this.portInUse || this.options.port || (await findFreePort());
    const appendOnly = this.options.appendOnly ?? true;
    const args = [
      '--port', String(this.portInUse),
      '--bind', '127.0.0.1',
      '--dir', this.options.dataDir,
      '--appendonly', appendOnly ? 'yes' : 'no',
      '--appendfsync', 'everysec',
      '--save', '',
      // Evicting would drop jobs, locks and indexes silently; a full server refuses writes instead.
      '--maxmemory-policy', 'noeviction',
      ...(this.options.maxMemory ? ['--maxmemory', this.options.maxMemory] : []),
      // Bull job hashes carry JSON options; a larger listpack value keeps them compact.
      '--hash-max-listpack-value', '1024',
      '--daemonize', 'no',
      '--loglevel', 'warning',
    ];
    const child = spawn(this.options.binary ?? 'redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<never>((_, reject) => {
      child.once('error', (error) => reject(new RedisServerStartError(error.message)));
      child.once('exit', (code) => reject(new RedisServerStartError(`exited with code ${code}: ${stderr.trim()}`)));
    });
    exited.catch(() => undefined);
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    await Promise.race([this.waitUntilReady(), exited]);
  }

  /** Stops the server; its data stays in the data folder for the next start. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 10000);
    for (;;) {
      const client = new Redis({ port: this.portInUse, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      client.on('error', () => undefined);
      try {
        await client.connect();
        // A server still loading its AOF answers LOADING; only a PONG means ready.
        if ((await client.ping()) === 'PONG') return;
      } catch {
        if (Date.now() > deadline) throw new RedisServerStartError(`no answer on port ${this.portInUse}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      } finally {
        client.disconnect();
      }
    }
  }
}
