export { RedisServerProcess, findFreePort } from './lib/redis-server-process';
export type { RedisServerProcessOptions, RedisServerExit } from './lib/redis-server-process';
export { RedisServerStartError } from './lib/redis-server-start.error';
export { loadHostConfig } from './lib/host-config.util';
export type { HostConfig } from './lib/host-config.interface';
export { HostConfigError } from './lib/host-config.error';
export { resolveHostRedis } from './lib/embedded-redis.util';
export type { HostRedis } from './lib/embedded-redis.util';
export { EmbeddedRedisServer } from './lib/embedded-redis-server';
export type {
  EmbeddedRedisLogger,
  EmbeddedRedisServerOptions,
  EmbeddedRedisStatus,
} from './lib/embedded-redis-server';
export { DataDirInUseError } from './lib/data-dir-in-use.error';
export { HOST_LOCK_FILE } from './lib/data-dir-lock';
export { GracefulShutdown, shutdownBudget } from './lib/graceful-shutdown';
export type { ShutdownBudget, ShutdownLogger } from './lib/graceful-shutdown';
export { createRootModule } from './lib/root-module.factory';
export type { HostRole } from './lib/root-module.factory';
export { loadHostConfigOrExit, resolveHostRedisOrExit } from './lib/bootstrap.util';
export { createHostLogger, hostLoggerModule, useHostLoggerFromStart } from './lib/host-logger.util';
export { isLoopbackHost, hostOfHostHeader } from './lib/loopback.util';
