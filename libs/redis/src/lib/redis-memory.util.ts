import type Redis from 'ioredis';
import { RedisMessages } from './redis.messages';

/** Memory settings and use of a Redis server, from `INFO memory`. */
export interface RedisMemoryInfo {
  /** `maxmemory-policy`, e.g. `noeviction` or `allkeys-lru`. */
  maxmemoryPolicy: string;
  /** `maxmemory` in bytes; 0 = no limit. */
  maxmemoryBytes: number;
  usedMemoryBytes: number;
}

/**
 * Reads the memory settings with `INFO memory`, which managed Redis services answer, unlike
 * `CONFIG GET` (often disabled there).
 */
export async function readRedisMemory(client: Redis): Promise<RedisMemoryInfo> {
  const fields = new Map<string, string>();
  for (const line of (await client.info('memory')).split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#'))
      fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return {
    maxmemoryPolicy: fields.get('maxmemory_policy') ?? 'unknown',
    maxmemoryBytes: Number(fields.get('maxmemory') ?? 0) || 0,
    usedMemoryBytes: Number(fields.get('used_memory') ?? 0) || 0,
  };
}

/**
 * What an operator should hear about the eviction policy, or null when it is `noeviction`: any
 * other policy lets Redis drop jobs, locks and indexes silently when it fills up.
 */
export function evictionWarning(memory: RedisMemoryInfo): string | null {
  return memory.maxmemoryPolicy === 'noeviction'
    ? null
    : RedisMessages.evictingRedis(memory.maxmemoryPolicy);
}

/**
 * The share of `maxmemory` in use (1 = full: with `noeviction`, writes are refused and submissions
 * answer 503), or null when Redis has no limit.
 */
export function memoryUsedFraction(memory: RedisMemoryInfo): number | null {
  return memory.maxmemoryBytes > 0 ? memory.usedMemoryBytes / memory.maxmemoryBytes : null;
}
