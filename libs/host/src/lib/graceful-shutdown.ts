/** Where the shutdown reports what it does (a Nest Logger fits). */
export interface ShutdownLogger {
  log(message: string): void;
  warn(message: string): void;
}

/** How a grace period is shared: first the app, then what it stood on. */
export interface ShutdownBudget {
  /** For app.close(): workers finish or hand back their jobs, connections close. */
  appMs: number;
  /** Kept back for stopping the embedded redis-server once the app is closed. */
  redisMs: number;
  /**
   * Of `appMs`, how long running jobs may go on before the workers abort them and hand them back
   * to the queue; the rest is for handing back and closing connections.
   */
  drainMs: number;
}

/**
 * Splits the grace period: a fifth (at most 2 s) is kept for the embedded redis-server, which
 * writes its AOF and exits in milliseconds when it is healthy; the rest is the app's. Of the app's
 * share, a quarter (at most 3 s) is kept for handing unfinished jobs back and closing, so that a
 * job still running at the end goes back to the queue at once, not after its lock lapses.
 */
export function shutdownBudget(graceMs: number): ShutdownBudget {
  const redisMs = Math.min(2000, Math.floor(graceMs / 5));
  const appMs = graceMs - redisMs;
  return { appMs, redisMs, drainMs: appMs - Math.min(3000, Math.floor(appMs / 4)) };
}

/** Resolves true when `promise` settles within `ms`, false when the time runs out first. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Ends the process on SIGTERM or SIGINT within a grace period, whatever state Redis is in:
 * the app closes first (with a deadline, as a close waiting on an unreachable Redis could retry
 * for minutes), then the embedded redis-server stops, and the process exits. Should anything
 * still be running when the grace period is over, the process exits anyway.
 * Installed first thing at boot, so a signal during startup also gets an orderly end.
 */
export class GracefulShutdown {
  private closeApp?: () => Promise<unknown>;
  private stopRedis?: (timeoutMs: number) => Promise<unknown>;
  private started = false;

  constructor(
    private readonly graceMs: number,
    private readonly logger: ShutdownLogger,
  ) {}

  /** Starts listening for the signals. */
  listen(signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): this {
    // `on`, not `once`: a second signal must not fall back to Node's default (an immediate death).
    // One Ctrl-C under `npm start` arrives twice, from the terminal and forwarded by npm.
    for (const signal of signals) process.on(signal, () => this.begin(signal));
    return this;
  }

  /** What closes the app (app.close()), once it exists. */
  closesAppWith(closeApp: () => Promise<unknown>): this {
    this.closeApp = closeApp;
    return this;
  }

  /** What stops the embedded redis-server, given the time it may take. */
  stopsRedisWith(stopRedis: (timeoutMs: number) => Promise<unknown>): this {
    this.stopRedis = stopRedis;
    return this;
  }

  private begin(signal: NodeJS.Signals): void {
    if (this.started) return;
    this.started = true;
    const deadline = Date.now() + this.graceMs;
    const forced = setTimeout(() => {
      this.logger.warn(
        `shutdown did not finish within ${this.graceMs} ms (WORKER_SHUTDOWN_GRACE_MS); exiting now`,
      );
      process.exit(1);
    }, this.graceMs);
    this.logger.log(`${signal} received: shutting down within ${this.graceMs} ms`);
    void this.shutDown(deadline).then(
      (clean) => {
        clearTimeout(forced);
        process.exit(clean ? 0 : 1);
      },
      (error: Error) => {
        this.logger.warn(`shutdown failed: ${error.message}`);
        process.exit(1);
      },
    );
  }

  /** Resolves whether everything closed in time. */
  private async shutDown(deadline: number): Promise<boolean> {
    const { appMs } = shutdownBudget(this.graceMs);
    let clean = true;
    const closing = this.closeApp?.().catch((error: Error) =>
      this.logger.warn(`closing the app failed: ${error.message}`),
    );
    if (closing && !(await settlesWithin(closing, appMs))) {
      clean = false;
      this.logger.warn(`the app did not close within ${appMs} ms; stopping anyway`);
    }
    // Whatever is left of the grace period, less a moment for the exit itself.
    if (this.stopRedis) await this.stopRedis(Math.max(0, deadline - Date.now() - 20));
    return clean;
  }
}
