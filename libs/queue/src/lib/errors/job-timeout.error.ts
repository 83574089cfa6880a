import { QueueMessages } from '../queue.messages';

/** The attempt ran past its `timeout_secs`; its AbortSignal fired and it is retried like any failure. */
export class JobTimeoutError extends Error {
  readonly errorCode = 'timeout';

  constructor(readonly timeoutSecs: number) {
    super(QueueMessages.timedOut(timeoutSecs));
    this.name = 'JobTimeoutError';
  }
}
