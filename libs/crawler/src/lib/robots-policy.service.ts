import type { Redis } from 'ioredis';
import robotsParser from 'robots-parser';
import { BudgetedCache } from './budgeted-cache.service';
import {
  DEFAULT_ROBOTS_CACHE_MAX_BYTES,
  DEFAULT_ROBOTS_CACHE_TTL_SECS,
  DEFAULT_ROBOTS_ERROR_CACHE_TTL_SECS,
  DEFAULT_ROBOTS_TIMEOUT_MS,
  MAX_CRAWL_DELAY_MS,
  ROBOTS_MAX_BYTES,
} from './crawler.constants';
import { HTTP_STATUS, ROBOTS_FETCH_FAILED } from './crawler.messages';
import type { NetworkFailure } from './crawler.interface';
import { CrawlError } from './errors/crawl.error';
import { CrawlTimeoutError } from './errors/crawl-timeout.error';
import { NetworkError } from './errors/network.error';
import { RobotsBlockedError } from './errors/robots-blocked.error';
import { RobotsUnavailableError } from './errors/robots-unavailable.error';
import { SsrfBlockedError } from './errors/ssrf-blocked.error';
import { TooManyRedirectsError } from './errors/too-many-redirects.error';
import { keyHash } from './redis-script.util';
import type { HopGate, SafeFetcher } from './safe-fetcher.service';

/** What a robots.txt fetch came to; stored in Redis as JSON. */
type RobotsEntry =
  | { kind: 'rules'; body: string }
  | { kind: 'allow-all'; detail: string }
  /**
   * `reason` is an HTTP status or a crawl error's message, which callers see. Entries cached by
   * earlier versions carry a raw `detail` instead, which is never shown.
   */
  | { kind: 'unavailable'; reason?: string }
  /**
   * The host could not be reached at all (DNS, connection, TLS, a connect timeout): that is the
   * page's own failure, not a robots.txt verdict, and the page gets the same error.
   */
  | { kind: 'unreachable'; failure: NetworkFailure }
  | { kind: 'connect_timeout'; timeoutMs: number };

type Robots = ReturnType<typeof robotsParser>;

interface ParsedRobots {
  entry: RobotsEntry;
  robots: Robots | null;
  expiresAt: number;
}

/** Options of {@link RobotsPolicy}. */
export interface RobotsPolicyOptions {
  redis: Redis;
  keyPrefix: string;
  fetcher: SafeFetcher;
  userAgent: string;
  /** Politeness for the robots.txt request itself. */
  gate: HopGate;
  /** Default 24 h, and never more (RFC 9309 §2.4). */
  cacheTtlSecs?: number;
  /** How long an unreachable robots.txt is remembered. Default 5 min. */
  errorCacheTtlSecs?: number;
  /** Default 10 s. */
  timeoutMs?: number;
  /** Byte budget of all cached robots.txt files. Default 16 MiB. */
  cacheMaxBytes?: number;
}

/** What robots.txt says about one URL. */
export interface RobotsVerdict {
  /** Crawl-delay for our User-Agent, capped at 30 s; 0 when none. */
  crawlDelayMs: number;
}

/** How long a parsed robots.txt is kept in process memory, to spare a Redis round trip per URL. */
const MEMO_TTL_MS = 30_000;
const MEMO_MAX_ENTRIES = 1_000;

/**
 * robots.txt per RFC 9309, parsed by robots-parser (longest match, Allow wins ties, wildcards):
 * 2xx → the rules; 4xx → no restrictions; 429, 5xx or no answer in time → complete disallow; a
 * host that cannot be reached (DNS, connection, TLS) → the page fails with that error. Results
 * are shared by all processes through Redis for up to 24 h.
 */
export class RobotsPolicy {
  private readonly memo = new Map<string, ParsedRobots>();
  private readonly inflight = new Map<string, Promise<ParsedRobots>>();
  private readonly cacheTtlSecs: number;
  private readonly cache: BudgetedCache;

  constructor(private readonly options: RobotsPolicyOptions) {
    this.cacheTtlSecs = Math.min(
      options.cacheTtlSecs ?? DEFAULT_ROBOTS_CACHE_TTL_SECS,
      DEFAULT_ROBOTS_CACHE_TTL_SECS,
    );
    this.cache = new BudgetedCache({
      redis: options.redis,
      bookPrefix: `${options.keyPrefix}robots-cache:`,
      maxBytes: options.cacheMaxBytes ?? DEFAULT_ROBOTS_CACHE_MAX_BYTES,
    });
  }

  /**
   * Resolves when `url` may be fetched; throws {@link RobotsBlockedError} or
   * {@link RobotsUnavailableError} otherwise, or the {@link NetworkError} (or connect
   * {@link CrawlTimeoutError}) of a host that cannot be reached at all.
   */
  async check(url: URL, signal: AbortSignal): Promise<RobotsVerdict> {
    if (url.pathname === '/robots.txt') return { crawlDelayMs: 0 };
    const parsed = await this.rulesFor(url.origin, signal);
    if (parsed.entry.kind === 'unreachable') throw new NetworkError(parsed.entry.failure);
    if (parsed.entry.kind === 'connect_timeout')
      throw new CrawlTimeoutError('connect', parsed.entry.timeoutMs);
    if (parsed.entry.kind === 'unavailable') {
      throw new RobotsUnavailableError(parsed.entry.reason ?? ROBOTS_FETCH_FAILED);
    }
    if (!parsed.robots) return { crawlDelayMs: 0 };
    if (parsed.robots.isAllowed(url.href, this.options.userAgent) === false) {
      throw new RobotsBlockedError();
    }
    const delaySecs = parsed.robots.getCrawlDelay(this.options.userAgent);
    const crawlDelayMs =
      typeof delaySecs === 'number' && delaySecs > 0
        ? Math.min(delaySecs * 1000, MAX_CRAWL_DELAY_MS)
        : 0;
    return { crawlDelayMs };
  }

  private async rulesFor(origin: string, signal: AbortSignal): Promise<ParsedRobots> {
    const cached = this.memo.get(origin);
    if (cached && cached.expiresAt > Date.now()) return cached;
    // One robots.txt lookup per origin at a time in this process; concurrent URLs share it.
    for (;;) {
      let pending = this.inflight.get(origin);
      const shared = pending !== undefined;
      if (!pending) {
        pending = this.load(origin, signal).finally(() => this.inflight.delete(origin));
        this.inflight.set(origin, pending);
      }
      try {
        return await pending;
      } catch (error) {
        // A shared lookup cancelled by its first caller must not cancel the others.
        const cancelled = error instanceof CrawlError && error.retryClass !== 'non-retryable';
        if (!shared || !cancelled || signal.aborted) throw error;
      }
    }
  }

  private async load(origin: string, signal: AbortSignal): Promise<ParsedRobots> {
    const key = `${this.options.keyPrefix}robots:${keyHash(origin)}`;
    const stored = await this.options.redis.get(key);
    let entry: RobotsEntry;
    if (stored) {
      entry = JSON.parse(stored) as RobotsEntry;
    } else {
      entry = await this.fetchRobots(origin, signal);
      const ttl =
        entry.kind !== 'rules' && entry.kind !== 'allow-all'
          ? (this.options.errorCacheTtlSecs ?? DEFAULT_ROBOTS_ERROR_CACHE_TTL_SECS)
          : this.cacheTtlSecs;
      // Not kept in a full Redis (or beyond the budget): the rules still apply to this crawl.
      await this.cache.set(key, JSON.stringify(entry), ttl);
    }
    const robotsUrl = `${origin}/robots.txt`;
    const parsed: ParsedRobots = {
      entry,
      robots: entry.kind === 'rules' ? robotsParser(robotsUrl, entry.body) : null,
      expiresAt: Date.now() + MEMO_TTL_MS,
    };
    if (this.memo.size >= MEMO_MAX_ENTRIES) {
      const oldest = this.memo.keys().next();
      if (!oldest.done) this.memo.delete(oldest.value);
    }
    this.memo.set(origin, parsed);
    return parsed;
  }

  private async fetchRobots(origin: string, signal: AbortSignal): Promise<RobotsEntry> {
    try {
      const response = await this.options.fetcher.fetch(`${origin}/robots.txt`, {
        signal,
        timeoutMs: this.options.timeoutMs ?? DEFAULT_ROBOTS_TIMEOUT_MS,
        maxBytes: ROBOTS_MAX_BYTES,
        overflow: 'truncate',
        accept: 'text/plain,*/*;q=0.5',
        gate: this.options.gate,
      });
      const status = response.status;
      if (status >= 200 && status < 300) {
        return { kind: 'rules', body: (response.body ?? Buffer.alloc(0)).toString('utf8') };
      }
      // RFC 9309 §2.3.1.4: 5xx means "unreachable". 429 is treated likewise: the server is
      // overloaded, not saying that there are no rules.
      if (status === 429 || status >= 500)
        return { kind: 'unavailable', reason: HTTP_STATUS(status) };
      if (status >= 400) return { kind: 'allow-all', detail: HTTP_STATUS(status) };
      return { kind: 'unavailable', reason: HTTP_STATUS(status) };
    } catch (error) {
      // Our own cancellation says nothing about the site: rethrow, cache nothing.
      if (signal.aborted) throw error;
      const crawlError = error instanceof CrawlError ? error : null;
      if (crawlError?.retryClass === 'cancelled') throw error;
      // A host (or robots.txt redirect) we may not connect to is refused as such, not "unavailable".
      if (crawlError instanceof SsrfBlockedError) throw error;
      // §2.3.1.2: after too many redirects the file may be treated as unavailable (no rules).
      if (crawlError instanceof TooManyRedirectsError)
        return { kind: 'allow-all', detail: crawlError.message };
      // A host that cannot be reached says nothing about its rules: the page fails the same way.
      if (crawlError instanceof NetworkError)
        return { kind: 'unreachable', failure: crawlError.failure };
      if (crawlError instanceof CrawlTimeoutError && crawlError.phase === 'connect')
        return { kind: 'connect_timeout', timeoutMs: crawlError.timeoutMs };
      // A crawl error's message is already fit to show; anything else is not.
      return { kind: 'unavailable', reason: crawlError?.message ?? ROBOTS_FETCH_FAILED };
    }
  }
}
