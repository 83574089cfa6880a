import type { Redis } from 'ioredis';

/** How a failed crawl should be treated by whoever runs it (queue retries, batch outcomes). */
export type RetryClass = 'retryable' | 'non-retryable' | 'cancelled' | 'timed-out';

/**
 * Stable machine-readable failure codes, by real cause; the wire's `error_code`. Fixed where the
 * failure is raised, never derived from message text.
 */
export type CrawlErrorCode =
  | 'invalid_url'
  | 'ssrf_blocked'
  | 'too_many_redirects'
  | 'timeout'
  | 'cancelled'
  /** The host name did not resolve. */
  | 'dns'
  /** The connection was refused, reset or closed, or the host was unreachable. */
  | 'connect'
  /** The TLS handshake failed or the certificate was not accepted. */
  | 'tls'
  /** The server did not answer with valid HTTP. */
  | 'protocol'
  /** Any other connection failure. */
  | 'network'
  | 'too_large'
  | 'unsupported_encoding'
  | 'unsupported_content_type'
  | 'robots_disallowed'
  | 'robots_unavailable'
  | 'http_status'
  | 'cache_miss'
  | 'pdf_extraction'
  | 'extraction'
  | 'store_unavailable';

/*
 * The kinds below pick a fixed message in crawler.messages. Failures are described by kind, never
 * by the text a library or the OS produced: that text can name internal addresses (SPEC §6).
 */

/** Why a target was refused because of its address. */
export type AddressRefusal = 'not_public' | 'embedded_ipv4' | 'metadata';

/** Why a target was refused because of its host name (before or instead of resolving it). */
export type NameRefusal = 'local_name' | 'metadata_name' | 'no_address';

/** Why an `ssrf_blocked` target was refused. */
export type SsrfRefusal = AddressRefusal | NameRefusal;

/** What kind of `network` failure happened (from the error code of the socket, DNS or TLS layer). */
export type NetworkFailure =
  | 'dns'
  | 'refused'
  | 'reset'
  | 'unreachable'
  | 'timed_out'
  | 'tls_certificate'
  | 'tls_handshake'
  | 'protocol'
  | 'other';

/** What kind of `extraction` failure happened. */
export type ExtractionFailure = 'parse' | 'decompress' | 'thread_failed' | 'threads_closed';

/** Why pdf.js could not read a PDF. */
export type PdfFailure = 'invalid_structure' | 'password' | 'malformed';

/** What kind of `store_unavailable` failure happened. */
export type StoreFailure = 'connection' | 'out_of_memory' | 'command';

/** One resolved address, as returned by a {@link LookupFunction}. */
export interface LookupAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to its addresses; every address is checked before connecting. */
export type LookupFunction = (hostname: string) => Promise<LookupAddress[]>;

/** Options of a {@link Crawler}; one instance per process is enough. */
export interface CrawlerOptions {
  /** Redis connection for robots, politeness and page cache (shared by all processes). */
  redis: Redis;
  /** Prefix of every Redis key. Default `riptide:crawler:`. */
  keyPrefix?: string;
  /** User-Agent with a contact URL. Default {@link DEFAULT_USER_AGENT}. */
  userAgent?: string;
  /** Allow loopback/private/link-local targets. Default false. Cloud metadata stays refused. */
  allowPrivateNetworks?: boolean;
  /** CIDR ranges allowed even when private networks are not (e.g. one internal docs host). Default []. */
  allowedNetworks?: string[];
  /** Requests in flight per host across all processes. Default 4. */
  hostConcurrency?: number;
  /** Minimum gap between request starts on one host, ms. Default 0. */
  hostMinGapMs?: number;
  /** Network timeouts in ms. Defaults: connect 10 s, headers 15 s, total 30 s. */
  timeouts?: { connectMs?: number; headersMs?: number; totalMs?: number };
  /** Decoded body cap per URL. Default 10 MiB. */
  maxBytes?: number;
  /** Page cache TTL. Default 3600 s. */
  cacheTtlSecs?: number;
  /**
   * Byte budget of the page cache (`CRAWL_CACHE_MAX_BYTES`); a write that would exceed it drops the
   * oldest pages first, and 0 caches nothing. Default 256 MiB.
   */
  cacheMaxBytes?: number;
  /** Byte budget of the robots.txt cache. Default 16 MiB. */
  robotsCacheMaxBytes?: number;
  /** robots.txt cache TTL (capped at 24 h). Default 86 400 s. */
  robotsCacheTtlSecs?: number;
  /** Host name resolver. Default `dns.lookup` (all addresses). */
  lookup?: LookupFunction;
  /** Longest Retry-After waited out inside one crawl. Default 30 s. */
  retryAfterMaxWaitMs?: number;
  /** PDF limits for crawled PDFs and {@link Crawler.extractPdf}. */
  pdf?: PdfExtractionOptions;
  /**
   * HTML extraction threads. Default one per core; 0 extracts on the
   * calling thread. Needs the built `html-extraction.worker.js` (found beside the library or the host's
   * entry script, or given as `htmlWorkerScript`); without it extraction stays on the calling thread.
   */
  extractionThreads?: number;
  /** Path of the built `html-extraction.worker.js`, when it is not where it is looked for. */
  htmlWorkerScript?: string;
}

/** PDF extraction limits. */
export interface PdfExtractionOptions {
  /** Pages extracted at most; the rest are counted but not read. Default 500. */
  maxPages?: number;
  /** Largest PDF accepted, bytes. Default 50 MiB. */
  maxBytes?: number;
  /** Time limit of the extraction worker. Default 60 s. */
  timeoutMs?: number;
  /** Heap limit of the extraction worker. Default 256 MB. */
  maxMemoryMb?: number;
}

/** Document information of a PDF; absent entries are null. */
export interface PdfMetadata {
  title: string | null;
  author: string | null;
  subject: string | null;
  keywords: string | null;
  creator: string | null;
  producer: string | null;
  creationDate: string | null;
  modificationDate: string | null;
  pdfVersion: string | null;
}

/** `ExtractedDoc` of SPEC §4 (camelCase; the HTTP layer maps it to snake_case). */
export interface ExtractedDoc {
  url: string;
  title: string | null;
  description: string | null;
  /** Main content as plain text; null when `outputFormat` is `markdown`. */
  text: string | null;
  /** Main content as markdown; null when `outputFormat` is `text` and for PDFs. */
  markdown: string | null;
  /** Absolute, de-duplicated http(s) links without fragments. */
  links: string[];
  language: string | null;
  siteName: string | null;
  byline: string | null;
  publishedIso: string | null;
  wordCount: number;
  /** Minutes at 200 words per minute, rounded up. */
  readingTime: number;
  /** Media type without parameters, e.g. `text/html`. */
  contentType: string;
  /** PDFs only: total page count. */
  pages?: number;
  /** PDFs only: text of each extracted page. */
  pageTexts?: string[];
  /** PDFs only. */
  pdfMetadata?: PdfMetadata;
}

/** Why a crawl failed, with the retry decision made where it happened. */
export interface CrawlFailure {
  code: CrawlErrorCode;
  message: string;
  retryClass: RetryClass;
  /** Server-requested wait (Retry-After), when there was one. */
  retryAfterMs: number | null;
}

/** Outcome of one URL; `crawl()` always resolves to one of these. */
export interface CrawlResult {
  url: string;
  /** URL after redirects; null when nothing was fetched. */
  finalUrl: string | null;
  /** HTTP status of the final response; null when there was none. */
  status: number | null;
  fromCache: boolean;
  processingTimeMs: number;
  document: ExtractedDoc | null;
  error: CrawlFailure | null;
}
