import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import Redis from 'ioredis';
import { ParentDeathWatchdog, watchForParentDeath } from './parent-death-watchdog.util';
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
  /** redis-server's own pidfile, which it removes on a clean exit. Default `redis-server.pid` in the data folder. */
  pidFile?: string;
  /** SIGTERM the server when this process dies, even by SIGKILL (see watchForParentDeath). Default true. */
  dieWithParent?: boolean;
}

/** How a server that was not asked to stop ended. */
export interface RedisServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Most of what the server wrote to stderr that is worth quoting in an error. */
const STDERR_KEPT = 4096;

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
  private watchdog?: ParentDeathWatchdog;
  private portInUse = 0;
  private readonly exitListeners = new Set<(exit: RedisServerExit) => void>();

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

  /** redis-server's pidfile: present while a server of this data folder runs (or after one was killed). */
  get pidFile(): string {
    return resolvePath(
      this.options.pidFile ?? resolvePath(this.options.dataDir, 'redis-server.pid'),
    );
  }

  /** Calls `listener` when a started server exits without stop() having been called. */
  onUnexpectedExit(listener: (exit: RedisServerExit) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }

  /** Starts the server (on the same port as before when restarted) and waits until it answers. */
  async start(): Promise<void> {
    if (this.child) return;
    mkdirSync(this.options.dataDir, { recursive: true });
    this.portInUse = this.portInUse || this.options.port || (await findFreePort());
    const appendOnly = this.options.appendOnly ?? true;
    const args = [
      '--port',
      String(this.portInUse),
      '--bind',
      '127.0.0.1',
      '--dir',
      this.options.dataDir,
      '--pidfile',
      this.pidFile,
      '--appendonly',
      appendOnly ? 'yes' : 'no',
      '--appendfsync',
      'everysec',
      '--save',
      '',
      // Evicting would drop jobs, locks and indexes silently; a full server refuses writes instead.
      '--maxmemory-policy',
      'noeviction',
      ...(this.options.maxMemory ? ['--maxmemory', this.options.maxMemory] : []),
      // Bull job hashes carry JSON options; a larger listpack value keeps them compact.
      '--hash-max-listpack-value',
      '1024',
      '--daemonize',
      'no',
      '--loglevel',
      'warning',
    ];
    // Its own process group: a Ctrl-C in the terminal signals our whole group, and the server
    // must outlive our shutdown (the app closes its connections first), so we stop it last.
    const child = spawn(this.options.binary ?? 'redis-server', args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    this.child = child;
    const watchdog =
      child.pid && (this.options.dieWithParent ?? true)
        ? watchForParentDeath(child.pid)
        : undefined;
    this.watchdog = watchdog;
    let stderr = '';
    child.stderr?.on(
      'data',
      (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-STDERR_KEPT)),
    );
    let ready = false;
    const exited = new Promise<never>((_, reject) => {
      child.once('error', (error) => reject(new RedisServerStartError(error.message)));
      child.once('exit', (code) =>
        reject(new RedisServerStartError(`exited with code ${code}: ${stderr.trim()}`)),
      );
    });
    exited.catch(() => undefined);
    child.once('exit', (code, signal) => {
      watchdog?.disarm();
      if (this.child !== child) return;
      this.child = undefined;
      this.watchdog = undefined;
      if (ready) for (const listener of this.exitListeners) listener({ code, signal });
    });
    try {
      await Promise.race([this.waitUntilReady(), exited]);
      ready = true;
    } catch (error) {
      // A server that never answered must not linger on the port.
      await this.stop(1000);
      throw error;
    }
  }

  /**
   * Stops the server and waits for its exit; its data stays in the data folder for the next start.
   * SIGCONT wakes a stopped server to handle SIGTERM (and write its AOF); SIGKILL follows after `timeoutMs`.
   */
  async stop(timeoutMs = 5000): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    this.watchdog?.disarm();
    this.watchdog = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
      child.kill('SIGCONT');
    });
  }

  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 10000);
    for (;;) {
      const client = new Redis({
        port: this.portInUse,
        host: '127.0.0.1',
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      client.on('error', () => undefined);
      try {
        await client.connect();
        // A server still loading its AOF answers LOADING; only a PONG means ready.
        if ((await client.ping()) === 'PONG') return;
      } catch {
        if (Date.now() > deadline)
          throw new RedisServerStartError(`no answer on port ${this.portInUse}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      } finally {
        client.disconnect();
      }
    }
  }
}
