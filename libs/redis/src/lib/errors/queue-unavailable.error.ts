import { RedisMessages } from '../redis.messages';

/** Redis did not answer in time or is disconnected; the operation was not performed. */
export class QueueUnavailableError extends Error {
  constructor(readonly detail?: string) {
    super(RedisMessages.queueUnavailable);
    this.name = 'QueueUnavailableError';
  }
}
