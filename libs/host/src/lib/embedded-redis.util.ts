import { resolve } from 'node:path';
import { HostConfig } from './host-config.interface';
import { RedisServerProcess } from './redis-server-process';

/** The Redis a host uses: the configured one, or a private redis-server it starts and owns. */
export interface HostRedis {
  url: string;
  embedded?: RedisServerProcess;
}

/**
 * With no REDIS_URL, starts redis-server on a free 127.0.0.1 port with AOF in the data folder,
 * `maxmemory` RIPTIDE_REDIS_MAXMEMORY and `noeviction`, and stops it when the process exits,
 * so one command serves everything on a laptop.
 */
export async function resolveHostRedis(config: HostConfig, log: (message: string) => void = () => undefined): Promise<HostRedis> {
  if (config.redisUrl) return { url: config.redisUrl };
  const server = new RedisServerProcess({ dataDir: resolve(config.dataDir, 'redis'), maxMemory: config.embeddedRedisMaxMemory });
  await server.start();
  log(`started embedded redis-server on ${server.url} (data in ${resolve(config.dataDir, 'redis')}, maxmemory ${config.embeddedRedisMaxMemory}, noeviction)`);
  // The child dies with us even on a crash; a clean shutdown stops it explicitly first.
  process.once('exit', () => {
    if (server.pid) {
      try {
        process.kill(server.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
  });
  return { url: server.url, embedded: server };
}
