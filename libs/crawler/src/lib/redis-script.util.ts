import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** SHA-256 hex of `value`, truncated: how client-supplied strings become part of Redis keys. */
export function keyHash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 32);
}

/**
 * A Lua script called by SHA (EVALSHA) and loaded on first use or after a SCRIPT FLUSH /
 * failover (NOSCRIPT), so the script body is not sent with every call.
 */
export class RedisScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: string[], args: Array<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}
