export * from './lib/fixture-site';
export { testRedisUrl, uniquePrefix, deleteKeysWithPrefix } from './lib/redis/test-redis.util';
export { waitFor } from './lib/wait-for.util';
