import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Crawler } from '../lib/crawler.service';
import type { CrawlerOptions } from '../lib/crawler.interface';

/**
 * The extraction thread script as the library build emits it (the test target builds first), so
 * the specs crawl through the same worker threads as production.
 */
export const BUILT_HTML_WORKER = join(
  __dirname,
  '../../../../dist/libs/crawler/src/lib/html-extraction.worker.js',
);

/** Per-test Redis key space and crawler factory; `cleanup()` deletes the keys and closes everything. */
export interface E2eContext {
  redis: Redis;
  keyPrefix: string;
  crawler(options?: Partial<CrawlerOptions>): Crawler;
  cleanup(): Promise<void>;
}

/** The private test redis-server of this jest run (never 6379). */
export function testRedisUrl(): string {
  const url = process.env['RIPTIDE_TEST_REDIS_URL'];
  if (!url) throw new Error('RIPTIDE_TEST_REDIS_URL is not set: run through jest');
  return url;
}

/** A fresh key prefix and crawlers on it; private networks allowed unless a test says otherwise. */
export function createE2eContext(): E2eContext {
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
  const keyPrefix = `rt-crawler-${randomBytes(4).toString('hex')}:`;
  const crawlers: Crawler[] = [];
  return {
    redis,
    keyPrefix,
    crawler: (options = {}) => {
      const crawler = new Crawler({
        redis,
        keyPrefix,
        allowPrivateNetworks: true,
        htmlWorkerScript: BUILT_HTML_WORKER,
        ...options,
      });
      crawlers.push(crawler);
      return crawler;
    },
    cleanup: async () => {
      await Promise.all(crawlers.map((c) => c.close()));
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
      redis.disconnect();
    },
  };
}
