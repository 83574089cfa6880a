import { QueueMessages } from '../queue.messages';

/** A client named an event to resume after that is not a stream id (`<ms>-<seq>`). */
export class InvalidEventIdError extends Error {
  constructor(
    readonly source: string,
    readonly given: string,
  ) {
    super(QueueMessages.invalidEventId(source));
    this.name = 'InvalidEventIdError';
  }
}
