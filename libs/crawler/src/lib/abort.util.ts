import { CrawlError } from './errors/crawl.error';
import { CrawlCancelledError } from './errors/crawl-cancelled.error';
import { CrawlTimeoutError } from './errors/crawl-timeout.error';

/**
 * The crawl error an aborted signal stands for: our own timeouts abort with a
 * {@link CrawlTimeoutError}; a caller's `AbortSignal.timeout()` counts as a timeout too;
 * anything else is a cancellation.
 */
export function abortReasonToError(signal: AbortSignal): CrawlError {
  const reason: unknown = signal.reason;
  if (reason instanceof CrawlError) return reason;
  // Duck-typed: a DOMException from another realm (test runners, workers) fails instanceof.
  if (
    typeof reason === 'object' &&
    reason !== null &&
    (reason as { name?: unknown }).name === 'TimeoutError'
  ) {
    return new CrawlTimeoutError('total', 0);
  }
  return new CrawlCancelledError({ cause: reason });
}

/** Throws the matching crawl error when `signal` has fired. */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw abortReasonToError(signal);
}

/** Resolves after `ms`, or rejects with the abort error as soon as `signal` fires. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(abortReasonToError(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReasonToError(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** A signal that fires when `parent` does or when `ms` elapse (with a timeout error as reason). */
export interface Deadline {
  signal: AbortSignal;
  /** Stops the timer; call when the guarded work is over. */
  clear(): void;
}

/** Starts a deadline of `ms` under `parent`. */
export function startDeadline(
  parent: AbortSignal,
  ms: number,
  phase: 'total' | 'pdf' = 'total',
): Deadline {
  const controller = new AbortController();
  const onAbort = () => controller.abort(parent.reason);
  if (parent.aborted) controller.abort(parent.reason);
  else parent.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new CrawlTimeoutError(phase, ms)), ms);
  return {
    signal: controller.signal,
    clear: () => {
      clearTimeout(timer);
      parent.removeEventListener('abort', onAbort);
    },
  };
}
