import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { resolveHostRedis } from './embedded-redis.util';
import { loadHostConfig } from './host-config.util';

describe('the embedded redis-server', () => {
  async function configOf(env: Record<string, string>): Promise<Record<string, string>> {
    const dataDir = mkdtempSync(join(tmpdir(), 'rt-embedded-'));
    const redis = await resolveHostRedis(loadHostConfig({ RIPTIDE_DATA_DIR: dataDir, ...env }));
    const client = new Redis(redis.url);
    try {
      const [, maxmemory] = (await client.config('GET', 'maxmemory')) as string[];
      const [, policy] = (await client.config('GET', 'maxmemory-policy')) as string[];
      return { maxmemory, policy };
    } finally {
      client.disconnect();
      await redis.embedded?.stop();
    }
  }

  it('runs with maxmemory 1gb and noeviction by default', async () => {
    expect(await configOf({})).toEqual({ maxmemory: String(1024 ** 3), policy: 'noeviction' });
  });

  it('takes its maxmemory from RIPTIDE_REDIS_MAXMEMORY', async () => {
    expect(await configOf({ RIPTIDE_REDIS_MAXMEMORY: '64mb' })).toEqual({
      maxmemory: String(64 * 1024 ** 2),
      policy: 'noeviction',
    });
  });
});
