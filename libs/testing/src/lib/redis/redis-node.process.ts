import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';

/** Asks the OS for a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
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

/** True when a redis-server on 127.0.0.1:`port` answers PONG (not LOADING, not refused) within `timeoutMs`. */
export async function redisAnswersPing(port: number, timeoutMs = 500): Promise<boolean> {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

const running = new Set<ChildProcess>();
// A test run that dies early must not leave servers behind.
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

/**
 * One redis-server (or Sentinel) child process of a test, on a free 127.0.0.1 port with its files
 * in a fresh temp folder that stop() removes. `args` are redis-server arguments after the port;
 * `configFile` (a file in `dir`, written by the caller) comes first when given.
 */
export class RedisNodeProcess {
  private child?: ChildProcess;
  private stderr = '';

  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  /** Reserves a port and a folder; the process starts with start(). */
  static async prepare(label: string): Promise<RedisNodeProcess> {
    return new RedisNodeProcess(await freePort(), mkdtempSync(join(tmpdir(), `riptide-${label}-`)));
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get alive(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process and resolves once it answers PING. */
  async start(args: string[], configFile?: string): Promise<this> {
    const child = spawn(
      'redis-server',
      [
        ...(configFile ? [configFile] : []),
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--dir',
        this.dir,
        ...args,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    running.add(child);
    child.once('exit', () => running.delete(child));
    const collect = (chunk: Buffer) =>
      (this.stderr = (this.stderr + chunk.toString()).slice(-4000));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const deadline = Date.now() + 10000;
    for (;;) {
      if (!this.alive)
        throw new Error(`redis-server on port ${this.port} exited at start: ${this.stderr}`);
      if (await redisAnswersPing(this.port)) return this;
      if (Date.now() > deadline)
        throw new Error(
          `redis-server on port ${this.port} did not answer PING within 10 s: ${this.stderr}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** A plain connection to this one process (no Sentinel or Cluster routing). */
  connect(): Redis {
    return new Redis({
      host: '127.0.0.1',
      port: this.port,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
      lazyConnect: false,
    });
  }

  /** Kills the process with `signal` and waits until it is gone (SIGKILL: a crash, no shutdown save). */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  /** Freezes the process (SIGSTOP): it holds its connections but answers nothing, like a stalled server. */
  pause(): void {
    if (this.alive) this.child?.kill('SIGSTOP');
  }

  /** Lets a paused process run again (SIGCONT). */
  resume(): void {
    if (this.alive) this.child?.kill('SIGCONT');
  }

  /** Stops the process and removes its folder. */
  async stop(): Promise<void> {
    await this.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
