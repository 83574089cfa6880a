import { QueueMessages } from '../queue.messages';

/** A submission broke the job contract; `problems` lists every violation. */
export class JobValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(QueueMessages.invalidJob(problems));
    this.name = 'JobValidationError';
  }
}
