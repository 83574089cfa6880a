import type { CrawlerOptions } from '@riptide/crawler';

/** Options of ProcessorsModule.forRoot / forRootAsync. */
export interface ProcessorsModuleOptions {
  /** Redis for robots.txt, politeness and the page cache (shared by every process). */
  redisUrl: string;
  /** Key prefix of the crawler's keys. Default `riptide:crawler:`. */
  keyPrefix?: string;
  /** Most URLs of one batch fetched at once (WORKER_MAX_CONCURRENCY). Default 10. */
  maxConcurrency?: number;
  /** Engine settings: SSRF policy, politeness, timeouts, User-Agent, cache TTL. */
  crawler?: Omit<CrawlerOptions, 'redis' | 'keyPrefix'>;
}
