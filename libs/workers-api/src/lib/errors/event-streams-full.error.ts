import { WorkersApiMessages } from '../workers-api.messages';

/** This process holds as many event streams as it may (SSE_MAX_CONNECTIONS): a 503, not a fault. */
export class EventStreamsFullError extends Error {
  constructor(readonly max: number) {
    super(WorkersApiMessages.tooManyStreams(max));
    this.name = 'EventStreamsFullError';
  }
}
