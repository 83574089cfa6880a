import { RedisMessages } from '../redis.messages';

/**
 * Redis refused a write because it reached `maxmemory` (policy `noeviction`); the operation was
 * not performed, so nothing it would have stored exists, and the caller may try again later.
 */
export class RedisOutOfMemoryError extends Error {
  constructor() {
    super(RedisMessages.redisOutOfMemory);
    this.name = 'RedisOutOfMemoryError';
  }
}
