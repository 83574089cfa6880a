import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisServerProcess } from '../../libs/host/src/lib/redis-server-process';

/**
 * Starts one private redis-server on a free port for the whole jest run (never a Redis on 6379)
 * and hands its URL to the tests through RIPTIDE_TEST_REDIS_URL.
 */
export default async function globalSetup(): Promise<void> {
  const server = new RedisServerProcess({ dataDir: mkdtempSync(join(tmpdir(), 'riptide-test-redis-')), appendOnly: false });
  await server.start();
  process.env['RIPTIDE_TEST_REDIS_URL'] = server.url;
  (globalThis as Record<string, unknown>)['__RIPTIDE_TEST_REDIS__'] = server;
}
