import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisServerProcess } from '../../libs/host/src/lib/redis-server-process';
import { startRedisCluster } from '../../libs/testing/src/lib/redis/redis-cluster.util';

/**
 * Starts the private Redis of the whole jest run on free ports (never a Redis on 6379) and hands
 * its URL to the tests through RIPTIDE_TEST_REDIS_URL: one redis-server, or with
 * RIPTIDE_TEST_REDIS=cluster a 3-primary Redis Cluster (a `redis-cluster://` URL).
 */
export default async function globalSetup(): Promise<void> {
  if (process.env['RIPTIDE_TEST_REDIS'] === 'cluster') {
    const cluster = await startRedisCluster(3);
    process.env['RIPTIDE_TEST_REDIS_URL'] = cluster.url;
    (globalThis as Record<string, unknown>)['__RIPTIDE_TEST_REDIS__'] = cluster;
    return;
  }
  const server = new RedisServerProcess({
    dataDir: mkdtempSync(join(tmpdir(), 'riptide-test-redis-')),
    appendOnly: false,
  });
  await server.start();
  process.env['RIPTIDE_TEST_REDIS_URL'] = server.url;
  (globalThis as Record<string, unknown>)['__RIPTIDE_TEST_REDIS__'] = server;
}
