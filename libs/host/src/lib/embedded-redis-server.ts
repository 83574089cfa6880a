import { mkdirSync } from 'node:fs';
import { DataDirLock } from './data-dir-lock';
import { signalQuietly, stopLeftoverRedisServer } from './leftover-redis-server.util';
import { RedisServerExit, RedisServerProcess } from './redis-server-process';
import { restartDelayMs } from './restart-backoff.util';

/** Where the embedded redis-server reports what happens to it (a Nest Logger fits). */
export interface EmbeddedRedisLogger {
  log(message: string): void;
  warn(message: string): void;
}

/** What an operator needs to know about the embedded redis-server. */
export interface EmbeddedRedisStatus {
  running: boolean;
  /** Restarts after the server died on its own, since this host started. */
  restarts: number;
  lastRestartAt?: Date;
  /** How the server last died (`signal SIGKILL`, `code 1`). */
  lastExit?: string;
}

/** Options of EmbeddedRedisServer.start. */
export interface EmbeddedRedisServerOptions {
  /** Folder of the AOF, the pidfile and the host lock; created when missing. */
  dataDir: string;
  /** `maxmemory` of the server, with `noeviction`. */
  maxMemory?: string;
  logger?: EmbeddedRedisLogger;
}

const silent: EmbeddedRedisLogger = { log: () => undefined, warn: () => undefined };

/**
 * A host's private redis-server: one per data folder (the folder is locked, and a server left
 * running by a host that is gone is stopped before a new one opens the same AOF), restarted with
 * backoff on the same port when it dies, stopped last on shutdown and, through its watchdog, also
 * when the host itself is killed.
 */
export class EmbeddedRedisServer {
  private stopping = false;
  private restartTimer?: NodeJS.Timeout;
  private restarts = 0;
  private lastRestartAt?: Date;
  private lastExit?: string;
  private readonly releaseOnExit = () => this.abandon();

  private constructor(
    private readonly server: RedisServerProcess,
    private readonly lock: DataDirLock,
    private readonly dataDir: string,
    private readonly logger: EmbeddedRedisLogger,
  ) {
    server.onUnexpectedExit((exit) => this.restartAfter(exit));
    process.once('exit', this.releaseOnExit);
  }

  /** Locks the data folder, clears what a dead host left behind and starts the server. */
  static async start(options: EmbeddedRedisServerOptions): Promise<EmbeddedRedisServer> {
    const logger = options.logger ?? silent;
    mkdirSync(options.dataDir, { recursive: true });
    const lock = DataDirLock.acquire(options.dataDir);
    const server = new RedisServerProcess({
      dataDir: options.dataDir,
      maxMemory: options.maxMemory,
    });
    try {
      const leftover = await stopLeftoverRedisServer(server.pidFile, options.dataDir);
      if (leftover)
        logger.warn(
          `stopped redis-server pid ${leftover}, left running in ${options.dataDir} by a host that is gone`,
        );
      await server.start();
      lock.recordPort(server.port);
    } catch (error) {
      lock.release();
      throw error;
    }
    return new EmbeddedRedisServer(server, lock, options.dataDir, logger);
  }

  get url(): string {
    return this.server.url;
  }

  get port(): number {
    return this.server.port;
  }

  get pid(): number | undefined {
    return this.server.pid;
  }

  status(): EmbeddedRedisStatus {
    return {
      running: this.server.pid !== undefined,
      restarts: this.restarts,
      lastRestartAt: this.lastRestartAt,
      lastExit: this.lastExit,
    };
  }

  /** Stops the server for good (no restart) and frees the data folder; SIGKILL after `timeoutMs`. */
  async stop(timeoutMs?: number): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    await this.server.stop(timeoutMs);
    this.lock.release();
    process.removeListener('exit', this.releaseOnExit);
  }

  /** Last resort when the process exits without stop(): synchronous, so it cannot wait for the server. */
  private abandon(): void {
    const pid = this.server.pid;
    if (pid) for (const signal of ['SIGTERM', 'SIGCONT'] as const) signalQuietly(pid, signal);
    // A host starting next stops this server through its pidfile before it opens the AOF.
    this.lock.release();
  }

  private restartAfter(exit: RedisServerExit): void {
    if (this.stopping) return;
    this.lastExit = exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
    this.logger.warn(
      `embedded redis-server on port ${this.port} exited unexpectedly (${this.lastExit}); restarting it`,
    );
    this.scheduleRestart(0);
  }

  private scheduleRestart(attempt: number): void {
    this.restartTimer = setTimeout(() => void this.restart(attempt), restartDelayMs(attempt));
    this.restartTimer.unref();
  }

  private async restart(attempt: number): Promise<void> {
    if (this.stopping) return;
    try {
      await this.server.start();
    } catch (error) {
      if (this.stopping) return;
      this.logger.warn(
        `could not restart the embedded redis-server on port ${this.port} (${(error as Error).message}); trying again in ${restartDelayMs(attempt + 1)} ms`,
      );
      this.scheduleRestart(attempt + 1);
      return;
    }
    if (this.stopping) return;
    this.restarts += 1;
    this.lastRestartAt = new Date();
    this.logger.warn(
      `restarted the embedded redis-server on port ${this.port} (restart ${this.restarts}, data in ${this.dataDir})`,
    );
  }
}
