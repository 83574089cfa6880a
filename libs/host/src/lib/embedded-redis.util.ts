import { resolve } from 'node:path';
import { EmbeddedRedisLogger, EmbeddedRedisServer } from './embedded-redis-server';
import { HostConfig } from './host-config.interface';

/** The Redis a host uses: the configured one, or a private redis-server it starts and owns. */
export interface HostRedis {
  url: string;
  embedded?: EmbeddedRedisServer;
}

/** The embedded redis-server of this process: one per host process, found by the root module. */
let servingEmbedded: EmbeddedRedisServer | undefined;

/**
 * With no REDIS_URL, starts redis-server on a free 127.0.0.1 port with AOF in the data folder,
 * `maxmemory` RIPTIDE_REDIS_MAXMEMORY and `noeviction` (see EmbeddedRedisServer for its
 * lifecycle), so one command serves everything on a laptop. Throws DataDirInUseError when
 * another running host owns the data folder.
 */
export async function resolveHostRedis(
  config: HostConfig,
  logger?: EmbeddedRedisLogger,
): Promise<HostRedis> {
  if (config.redisUrl) return { url: config.redisUrl };
  const dataDir = resolve(config.dataDir, 'redis');
  const server = await EmbeddedRedisServer.start({
    dataDir,
    maxMemory: config.embeddedRedisMaxMemory,
    logger,
  });
  logger?.log(
    `started embedded redis-server on ${server.url} (data in ${dataDir}, maxmemory ${config.embeddedRedisMaxMemory}, noeviction)`,
  );
  servingEmbedded = server;
  return { url: server.url, embedded: server };
}

/** The embedded redis-server this process started at `redisUrl`, if it did. */
export function embeddedRedisAt(redisUrl: string): EmbeddedRedisServer | undefined {
  return servingEmbedded?.url === redisUrl ? servingEmbedded : undefined;
}
