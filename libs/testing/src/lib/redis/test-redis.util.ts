import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';

/** URL of the private redis-server the jest global setup started (never a Redis on 6379). */
export function testRedisUrl(): string {
  const url = process.env['RIPTIDE_TEST_REDIS_URL'];
  if (!url) throw new Error('RIPTIDE_TEST_REDIS_URL is not set: run the tests through jest (jest.preset.js starts redis-server)');
  return url;
}

/** A key prefix no other test uses, so tests never see each other's jobs. */
export function uniquePrefix(label = 'test'): string {
  return `rt-${label}-${randomBytes(4).toString('hex')}`;
}

/** Deletes every key under a prefix (cleanup after a test). */
export async function deleteKeysWithPrefix(url: string, prefix: string): Promise<void> {
  const client = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
