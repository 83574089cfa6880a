import { DataDirInUseError } from './data-dir-in-use.error';
import { EmbeddedRedisLogger } from './embedded-redis-server';
import { HostRedis, resolveHostRedis } from './embedded-redis.util';
import { HostConfigError } from './host-config.error';
import { HostConfig } from './host-config.interface';
import { loadHostConfig } from './host-config.util';

/** EX_CONFIG: what a host exits with when it cannot run as configured. */
const EXIT_CONFIG = 78;

/**
 * Reads the configuration before anything starts; a bad value stops the process with a
 * message naming the variable (exit code 78, EX_CONFIG).
 */
export function loadHostConfigOrExit(env: NodeJS.ProcessEnv = process.env): HostConfig {
  try {
    return loadHostConfig(env);
  } catch (error) {
    if (error instanceof HostConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    throw error;
  }
}

/**
 * resolveHostRedis, except that a data folder owned by another running host stops the process
 * with a message naming the folder (exit code 78, as for any other configuration that cannot work).
 */
export async function resolveHostRedisOrExit(
  config: HostConfig,
  logger?: EmbeddedRedisLogger,
): Promise<HostRedis> {
  try {
    return await resolveHostRedis(config, logger);
  } catch (error) {
    if (error instanceof DataDirInUseError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    throw error;
  }
}
