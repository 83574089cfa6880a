export { closeRedis, createRedis, forEachMaster, isCluster } from './lib/redis-connection.util';
export type { RedisRole } from './lib/redis-connection.util';
export {
  clusterUrl,
  hashTagOf,
  isClusterUrl,
  parseNodeList,
  parseRedisDeployment,
  sentinelUrl,
} from './lib/redis-deployment.util';
export type { RedisDeployment, RedisNodeAddress } from './lib/redis-deployment.util';
export { defineRoutedScript } from './lib/cluster-routing.util';
export {
  isCannotPersistError,
  isConnectionError,
  isOutOfMemoryError,
  whenReady,
  withRedisDeadline,
} from './lib/redis-guard.util';
export { waitForReplicas } from './lib/replica-wait.util';
export type { ReplicaWait } from './lib/replica-wait.util';
export { evictionWarning, memoryUsedFraction, readRedisMemory } from './lib/redis-memory.util';
export type { RedisMemoryInfo } from './lib/redis-memory.util';
export { RedisUrlError } from './lib/errors/redis-url.error';
export { QueueUnavailableError } from './lib/errors/queue-unavailable.error';
export { RedisOutOfMemoryError } from './lib/errors/redis-out-of-memory.error';
export { RedisCannotPersistError } from './lib/errors/redis-cannot-persist.error';
