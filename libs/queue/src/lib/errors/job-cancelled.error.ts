import { QueueMessages } from '../queue.messages';

/** The job was cancelled while running; the attempt stops and the job stays Cancelled. */
export class JobCancelledError extends Error {
  constructor() {
    super(QueueMessages.cancelled);
    this.name = 'JobCancelledError';
  }
}
