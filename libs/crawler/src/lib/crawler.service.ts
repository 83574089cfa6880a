import type { IncomingHttpHeaders } from 'node:http';
import type { Redis } from 'ioredis';
import { abortReasonToError, throwIfAborted } from './abort.util';
import {
  DEFAULT_CACHE_MAX_BYTES,
  DEFAULT_CACHE_TTL_SECS,
  DEFAULT_HOST_CONCURRENCY,
  DEFAULT_HOST_MIN_GAP_MS,
  DEFAULT_MAX_BYTES,
  DEFAULT_RETRY_AFTER_MAX_RETRIES,
  DEFAULT_RETRY_AFTER_MAX_WAIT_MS,
  DEFAULT_ROBOTS_TIMEOUT_MS,
  DEFAULT_TOTAL_TIMEOUT_MS,
  DEFAULT_USER_AGENT,
} from './crawler.constants';
import type { CrawlOptions, OutputFormat } from '@riptide/crawl-options';
import type {
  CrawlerOptions,
  CrawlResult,
  ExtractedDoc,
  PdfExtractionOptions,
} from './crawler.interface';
import { UNSUPPORTED_CONTENT_TYPE } from './crawler.messages';
import {
  isPossiblyExtractable,
  mediaTypeOf,
  routeContent,
  charsetOf,
  decodeText,
} from './content-sniffer.util';
import { networkFailureOf, storeFailureOf } from './error-kind.util';
import { CacheMissError } from './errors/cache-miss.error';
import { CrawlError } from './errors/crawl.error';
import { ExtractionError } from './errors/extraction.error';
import { HttpStatusError } from './errors/http-status.error';
import { NetworkError } from './errors/network.error';
import { StoreUnavailableError } from './errors/store-unavailable.error';
import { UnsupportedContentTypeError } from './errors/unsupported-content-type.error';
import { HostPoliteness } from './host-politeness.service';
import { HtmlExtractionPool } from './html-extraction-pool';
import { extractPlainText } from './plain-text-extractor.util';
import { PageCache } from './page-cache.service';
import { extractPdfDocument } from './pdf-extractor.util';
import { RobotsPolicy } from './robots-policy.service';
import { FetchedResponse, GateRelease, SafeFetcher } from './safe-fetcher.service';
import { assertFetchableUrl, createNetworkPolicy, NetworkPolicy } from './ssrf-guard.util';

const ACCEPT = 'text/html,application/xhtml+xml,text/plain;q=0.9,application/pdf;q=0.8,*/*;q=0.1';
/** A lease outlives its request by this much, so it only expires on its own if a process died. */
const LEASE_MARGIN_MS = 5_000;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Milliseconds a Retry-After header asks for (delta-seconds or HTTP-date), or null. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (value === undefined) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Anything thrown by Redis (ioredis) inside a crawl becomes a retryable store error. */
async function store<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof CrawlError) throw error;
    throw new StoreUnavailableError(storeFailureOf(error), { cause: error });
  }
}

/**
 * The crawl engine: SSRF-safe fetching, robots.txt, per-host politeness and a page cache, all
 * shared through Redis, then HTML / text / PDF extraction. One instance per process; it holds
 * a connection pool, so call {@link Crawler.close} on shutdown. The Redis client stays the
 * caller's.
 */
export class Crawler {
  private readonly policy: NetworkPolicy;
  private readonly fetcher: SafeFetcher;
  private readonly politeness: HostPoliteness;
  private readonly robots: RobotsPolicy;
  private readonly cache: PageCache;
  private readonly totalTimeoutMs: number;
  private readonly maxBytes: number;
  private readonly retryAfterMaxWaitMs: number;
  private readonly extraction: HtmlExtractionPool;

  constructor(private readonly options: CrawlerOptions) {
    const redis: Redis = options.redis;
    const keyPrefix = options.keyPrefix ?? 'riptide:crawler:';
    const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    this.policy = createNetworkPolicy(options);
    this.totalTimeoutMs = options.timeouts?.totalMs ?? DEFAULT_TOTAL_TIMEOUT_MS;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.retryAfterMaxWaitMs = options.retryAfterMaxWaitMs ?? DEFAULT_RETRY_AFTER_MAX_WAIT_MS;
    this.extraction = new HtmlExtractionPool(options.htmlWorkerScript, options.extractionThreads);
    this.fetcher = new SafeFetcher({
      userAgent,
      policy: this.policy,
      lookup: options.lookup,
      connectTimeoutMs: options.timeouts?.connectMs,
      headersTimeoutMs: options.timeouts?.headersMs,
    });
    this.politeness = new HostPoliteness({
      redis,
      keyPrefix,
      concurrency: options.hostConcurrency ?? DEFAULT_HOST_CONCURRENCY,
      minGapMs: options.hostMinGapMs ?? DEFAULT_HOST_MIN_GAP_MS,
    });
    this.robots = new RobotsPolicy({
      redis,
      keyPrefix,
      fetcher: this.fetcher,
      userAgent,
      cacheTtlSecs: options.robotsCacheTtlSecs,
      cacheMaxBytes: options.robotsCacheMaxBytes,
      gate: (url, signal) => this.acquireHost(url, 0, DEFAULT_ROBOTS_TIMEOUT_MS, signal),
    });
    this.cache = new PageCache({
      redis,
      keyPrefix,
      ttlSecs: options.cacheTtlSecs ?? DEFAULT_CACHE_TTL_SECS,
      maxBytes: options.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES,
    });
  }

  /**
   * Crawls one URL. Never rejects: every failure is a {@link CrawlResult} whose `error`
   * carries a code, a message and the retry class decided where the failure happened.
   */
  async crawl(
    url: string,
    options: CrawlOptions = {},
    signal: AbortSignal = new AbortController().signal,
  ): Promise<CrawlResult> {
    const started = performance.now();
    let finalUrl: string | null = null;
    let status: number | null = null;
    const result = (partial: Partial<CrawlResult>): CrawlResult => ({
      url,
      finalUrl,
      status,
      fromCache: false,
      document: null,
      error: null,
      ...partial,
      processingTimeMs: Math.round(performance.now() - started),
    });
    try {
      throwIfAborted(signal);
      const target = assertFetchableUrl(url, this.policy);
      const format = options.outputFormat ?? 'document';
      const mode = options.cacheMode ?? 'read_through';
      const cacheKey = this.cache.key(target, format);
      if (mode === 'read_through' || mode === 'cache_only') {
        const hit = await store(() => this.cache.get(cacheKey));
        if (hit) {
          return result({
            finalUrl: hit.finalUrl,
            status: hit.status,
            fromCache: true,
            document: hit.document,
          });
        }
        if (mode === 'cache_only') throw new CacheMissError();
      }
      const { page, retryAfterMs } = await this.fetchPage(target, options, signal);
      finalUrl = page.url.href;
      status = page.status;
      if (page.status < 200 || page.status >= 300)
        throw new HttpStatusError(page.status, retryAfterMs);
      const document = await this.extract(page, format, signal);
      if (mode !== 'bypass') {
        const entry = { finalUrl, status, document, fetchedAt: Date.now() };
        // The cache is an optimisation: failing to store must not fail a page already extracted.
        await this.cache.set(cacheKey, entry).catch(() => undefined);
      }
      return result({ document });
    } catch (error) {
      return result({ error: this.toCrawlError(error, signal).toFailure() });
    }
  }

  /**
   * Extracts a PDF given as bytes (e.g. base64 `pdf_data` of a job). Rejects with a
   * {@link CrawlError}: non-PDF bytes are an unsupported content type, never retried.
   */
  async extractPdf(
    bytes: Uint8Array,
    options: PdfExtractionOptions & { outputFormat?: OutputFormat; url?: string } = {},
    signal: AbortSignal = new AbortController().signal,
  ): Promise<ExtractedDoc> {
    try {
      return await extractPdfDocument(
        bytes,
        {
          url: options.url ?? '',
          outputFormat: options.outputFormat ?? 'document',
          limits: { ...this.options.pdf, ...options },
        },
        signal,
      );
    } catch (error) {
      throw this.toCrawlError(error, signal);
    }
  }

  /** Closes the connection pool and the extraction threads (not the Redis client, which belongs to the caller). */
  async close(): Promise<void> {
    await Promise.all([this.fetcher.close(), this.extraction.close()]);
  }

  /**
   * Fetches with robots and politeness on every hop; waits out a bounded Retry-After. Returns
   * the last response and, for a 429/503 it gave up on, the wait the server asked for.
   */
  private async fetchPage(
    target: URL,
    options: CrawlOptions,
    signal: AbortSignal,
  ): Promise<{ page: FetchedResponse; retryAfterMs: number | null }> {
    const timeoutMs = options.timeoutMs ?? this.totalTimeoutMs;
    const respectRobots = options.respectRobots ?? true;
    for (let attempt = 0; ; attempt += 1) {
      const page = await this.fetcher.fetch(target, {
        signal,
        timeoutMs,
        maxBytes: options.maxBytes ?? this.maxBytes,
        accept: ACCEPT,
        gate: async (url, gateSignal) => {
          const crawlDelayMs = respectRobots
            ? (await this.robots.check(url, gateSignal).catch(this.storeError)).crawlDelayMs
            : 0;
          return this.acquireHost(url, crawlDelayMs, timeoutMs, gateSignal);
        },
        shouldReadBody: (head) =>
          head.status >= 200 &&
          head.status < 300 &&
          isPossiblyExtractable(header(head.headers, 'content-type')),
      });
      if (page.status !== 429 && page.status !== 503) return { page, retryAfterMs: null };
      const retryAfterMs = parseRetryAfter(header(page.headers, 'retry-after'));
      if (retryAfterMs === null) return { page, retryAfterMs };
      // Every process holds back from this host; the next attempt waits in acquireHost.
      await store(() => this.politeness.defer(page.url.hostname, retryAfterMs));
      if (retryAfterMs > this.retryAfterMaxWaitMs || attempt >= DEFAULT_RETRY_AFTER_MAX_RETRIES) {
        return { page, retryAfterMs };
      }
      throwIfAborted(signal);
    }
  }

  private readonly storeError = (error: unknown): never => {
    if (error instanceof CrawlError) throw error;
    throw new StoreUnavailableError(storeFailureOf(error), { cause: error });
  };

  private async acquireHost(
    url: URL,
    gapMs: number,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<GateRelease> {
    const lease = await store(() =>
      this.politeness.acquire(url.hostname, {
        gapMs,
        leaseMs: timeoutMs + LEASE_MARGIN_MS,
        signal,
      }),
    );
    // A lost release only costs the slot until its lease expires.
    return () => lease.release().catch(() => undefined);
  }

  private async extract(
    page: FetchedResponse,
    format: OutputFormat,
    signal: AbortSignal,
  ): Promise<ExtractedDoc> {
    const contentType = header(page.headers, 'content-type');
    if (!page.body) {
      throw new UnsupportedContentTypeError(
        UNSUPPORTED_CONTENT_TYPE(mediaTypeOf(contentType) || 'unknown'),
      );
    }
    throwIfAborted(signal);
    const route = routeContent(contentType, page.body);
    const url = page.url.href;
    const contentLanguage = header(page.headers, 'content-language') ?? null;
    if (route.kind === 'pdf') {
      return extractPdfDocument(
        page.body,
        { url, outputFormat: format, limits: this.options.pdf },
        signal,
      );
    }
    if (route.kind === 'unsupported') {
      throw new UnsupportedContentTypeError(UNSUPPORTED_CONTENT_TYPE(route.contentType));
    }
    const text = decodeText(page.body, charsetOf(contentType), route.kind === 'html');
    try {
      const document =
        route.kind === 'html'
          ? await this.extraction.extract(
              {
                html: text,
                url,
                contentType: route.contentType,
                outputFormat: format,
                contentLanguage,
              },
              signal,
            )
          : extractPlainText({
              text,
              url,
              contentType: route.contentType,
              outputFormat: format,
              contentLanguage,
            });
      // A cancellation that arrived while parsing still wins.
      throwIfAborted(signal);
      return document;
    } catch (error) {
      if (error instanceof CrawlError) throw error;
      throw new ExtractionError('parse', { cause: error });
    }
  }

  private toCrawlError(error: unknown, signal: AbortSignal): CrawlError {
    if (error instanceof CrawlError) return error;
    if (signal.aborted) return abortReasonToError(signal);
    return new NetworkError(networkFailureOf(error), { cause: error });
  }
}
