export { RedisServerProcess, findFreePort } from './lib/redis-server-process';
export type { RedisServerProcessOptions } from './lib/redis-server-process';
export { RedisServerStartError } from './lib/redis-server-start.error';
