import type { Redis } from 'ioredis';
import { PAGE_CACHE_VERSION } from './crawler.constants';
import type { ExtractedDoc, OutputFormat } from './crawler.interface';
import { keyHash } from './redis-script.util';

/** A cached crawl outcome (successful crawls only). */
export interface CachedPage {
  finalUrl: string;
  status: number;
  document: ExtractedDoc;
  /** Epoch ms when it was fetched. */
  fetchedAt: number;
}

/** Options of {@link PageCache}. */
export interface PageCacheOptions {
  redis: Redis;
  keyPrefix: string;
  /** Freshness lifetime; Redis expires entries after it. */
  ttlSecs: number;
}

/** Extracted pages in Redis, keyed by a hash of the normalised URL and the output format. */
export class PageCache {
  constructor(private readonly options: PageCacheOptions) {}

  /**
   * The key of a page. The URL is the normalised one (lower-case scheme and host, default
   * port and fragment dropped) and is hashed, so no client string ends up in a Redis key.
   */
  key(url: URL, outputFormat: OutputFormat): string {
    return `${this.options.keyPrefix}page:${keyHash(`${PAGE_CACHE_VERSION}\n${outputFormat}\n${url.href}`)}`;
  }

  async get(key: string): Promise<CachedPage | null> {
    const raw = await this.options.redis.get(key);
    return raw ? (JSON.parse(raw) as CachedPage) : null;
  }

  async set(key: string, page: CachedPage): Promise<void> {
    await this.options.redis.set(key, JSON.stringify(page), 'EX', this.options.ttlSecs);
  }
}
