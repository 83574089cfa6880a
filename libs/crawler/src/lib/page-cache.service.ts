import type { Redis } from 'ioredis';
import { PAGE_CACHE_VERSION } from './crawler.constants';
import type { OutputFormat } from '@riptide/crawl-options';
import type { ExtractedDoc } from './crawler.interface';
import { BudgetedCache, BudgetedCacheUsage } from './budgeted-cache.service';
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
  /** Byte budget of all cached pages; the entries nearest to expiry make room for new ones. */
  maxBytes: number;
}

/**
 * Extracted pages in Redis, keyed by a hash of the normalised URL and the output format, held to
 * a byte budget; in a full Redis the cache gives way (see {@link BudgetedCache}).
 */
export class PageCache {
  private readonly budget: BudgetedCache;

  constructor(private readonly options: PageCacheOptions) {
    this.budget = new BudgetedCache({
      redis: options.redis,
      bookPrefix: `${options.keyPrefix}page-cache:`,
      maxBytes: options.maxBytes,
    });
  }

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

  /** Resolves false when the page was not kept (larger than the budget, or Redis is full). */
  set(key: string, page: CachedPage): Promise<boolean> {
    return this.budget.set(key, JSON.stringify(page), this.options.ttlSecs);
  }

  /** Bytes and entries the cache accounts for now. */
  usage(): Promise<BudgetedCacheUsage> {
    return this.budget.usage();
  }
}
