/** Every user-facing sentence of the Redis library, in one place. */
export const RedisMessages = {
  queueUnavailable: 'Queue storage (Redis) is unavailable; try again shortly',
  redisOutOfMemory: 'Redis is out of memory',
  redisCannotPersist:
    'Redis cannot write to its disk (full or read-only) and refuses writes until that is fixed',
  evictingRedis: (policy: string) =>
    `Redis maxmemory-policy is ${policy}: under memory pressure Redis may evict jobs, locks and indexes; set it to noeviction`,
} as const;
