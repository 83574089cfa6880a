import { RedisMessages } from '../redis.messages';

/**
 * Redis refused a write because it cannot persist (MISCONF: its AOF or RDB file cannot be written,
 * the disk is full or read-only). The write was not performed; the caller may try again once an
 * operator has fixed the disk.
 */
export class RedisCannotPersistError extends Error {
  constructor() {
    super(RedisMessages.redisCannotPersist);
    this.name = 'RedisCannotPersistError';
  }
}
