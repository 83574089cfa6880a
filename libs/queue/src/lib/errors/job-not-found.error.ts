import { QueueMessages } from '../queue.messages';

/** No job with this id exists (never submitted, or removed after its retention time). */
export class JobNotFoundError extends Error {
  constructor(readonly jobId: string) {
    super(QueueMessages.jobNotFound(jobId));
    this.name = 'JobNotFoundError';
  }
}
