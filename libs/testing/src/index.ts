export * from './lib/fixture-site';
export { testRedisUrl, uniquePrefix, deleteKeysWithPrefix } from './lib/redis/test-redis.util';
export { RedisNodeProcess, freePort } from './lib/redis/redis-node.process';
export { startSentinelDeployment } from './lib/redis/sentinel-deployment.util';
export type { SentinelDeployment, SentinelDeploymentOptions } from './lib/redis/sentinel-deployment.util';
export { waitFor } from './lib/wait-for.util';
