import { setMaxListeners } from 'node:events';

/**
 * The abort of one attempt (a cancel, its timeout, the worker shutting down): the first reason
 * given, the race that ends waiting on the handler's work at once, and the AbortSignal handed to
 * the handler.
 *
 * The signal is made the first time the handler reads it. Most attempts end without an abort, and
 * a handler with nothing to stop (a quick custom job) never reads it; an AbortController with its
 * listeners was the largest cost of such a job in the worker's own code.
 */
export class JobAbort {
  private controller?: AbortController;
  private rejectRace?: (reason: Error) => void;
  private abortReason?: Error;

  /** Why the attempt was aborted; undefined while it was not. */
  get reason(): Error | undefined {
    return this.abortReason;
  }

  /** Aborted with the same reason as this, whenever the handler asks for it. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      // A job's signal is shared by all of its concurrent work (each lane of a batch crawl, each
      // step of a custom job); every step removes its listener when it ends, so Node's leak
      // warning at 11 listeners would only be noise in the worker's log.
      setMaxListeners(0, this.controller.signal);
      if (this.abortReason) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  /** Aborts the attempt; the first reason stays, as AbortController's does. */
  abort(reason: Error): void {
    if (this.abortReason) return;
    this.abortReason = reason;
    this.controller?.abort(reason);
    this.rejectRace?.(reason);
  }

  /** Settles with the work, or rejects with the abort's reason as soon as there is one. */
  race<T>(work: Promise<T>): Promise<T> {
    if (this.abortReason) return Promise.reject(this.abortReason);
    return new Promise<T>((resolve, reject) => {
      this.rejectRace = reject;
      work.then(resolve, (error: unknown) =>
        reject(error instanceof Error ? error : new Error(String(error))),
      );
    });
  }
}
