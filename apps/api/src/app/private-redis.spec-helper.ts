import { RedisServerProcess } from '@riptide/host';
import Redis from 'ioredis';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A redis-server of the test's own (the specs fill it up or change its policy), and a client to steer it. */
export async function privateRedis(
  maxMemory?: string,
): Promise<{ server: RedisServerProcess; admin: Redis }> {
  const server = new RedisServerProcess({
    dataDir: mkdtempSync(join(tmpdir(), 'rt-redis-memory-')),
    appendOnly: false,
    maxMemory,
  });
  await server.start();
  return { server, admin: new Redis(server.url) };
}
