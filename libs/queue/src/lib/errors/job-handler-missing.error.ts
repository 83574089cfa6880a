/**
 * The worker that took a job has no handler for its type. Retryable: the attempt counts and the
 * job waits its backoff, so another worker that has the handler can take it; when no worker does
 * before its attempts run out, it ends in the dead-letter queue, never lost.
 */
export class JobHandlerMissingError extends Error {
  readonly retryable = true;

  constructor(message: string) {
    super(message);
    this.name = 'JobHandlerMissingError';
  }
}
