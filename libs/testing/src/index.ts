export * from './lib/fixture-site';
export {
  connectTestRedis,
  deleteKeysWithPrefix,
  findKeys,
  forEachServer,
  testingOnCluster,
  testRedisUrl,
  uniquePrefix,
} from './lib/redis/test-redis.util';
export { startRedisCluster } from './lib/redis/redis-cluster.util';
export type { RedisClusterProcesses } from './lib/redis/redis-cluster.util';
export { RedisNodeProcess, freePort, redisAnswersPing } from './lib/redis/redis-node.process';
export { startSentinelDeployment } from './lib/redis/sentinel-deployment.util';
export type {
  SentinelDeployment,
  SentinelDeploymentOptions,
} from './lib/redis/sentinel-deployment.util';
export { waitFor } from './lib/wait-for.util';
