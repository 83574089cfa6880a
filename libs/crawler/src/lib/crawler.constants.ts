/** Default User-Agent: names the product and gives site owners a contact URL (RFC 9309 §2.2.1). */
export const DEFAULT_USER_AGENT =
  'RipTideWorkers/0.1 (+https://github.com/riptide-workers/riptide)';

/** Requests in flight per host across all processes (`CRAWL_HOST_CONCURRENCY`). */
export const DEFAULT_HOST_CONCURRENCY = 4;
/** Minimum gap between request starts on one host (`CRAWL_HOST_MIN_GAP_MS`). */
export const DEFAULT_HOST_MIN_GAP_MS = 0;
/** A robots.txt Crawl-delay never slows a host down more than this. */
export const MAX_CRAWL_DELAY_MS = 30_000;

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_HEADERS_TIMEOUT_MS = 15_000;
export const DEFAULT_TOTAL_TIMEOUT_MS = 30_000;
/** Decoded body cap per URL. */
export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
/** RFC 9309 §2.5: crawlers must parse at least the first 500 KiB of a robots.txt. */
export const ROBOTS_MAX_BYTES = 512 * 1024;
export const DEFAULT_ROBOTS_TIMEOUT_MS = 10_000;
/** RFC 9309 §2.4: a robots.txt should not be cached for more than 24 hours. */
export const DEFAULT_ROBOTS_CACHE_TTL_SECS = 24 * 60 * 60;
/** An unreachable robots.txt is remembered briefly so a failing host is not hammered. */
export const DEFAULT_ROBOTS_ERROR_CACHE_TTL_SECS = 5 * 60;
export const DEFAULT_CACHE_TTL_SECS = 60 * 60;
/** Byte budget of the page cache (`CRAWL_CACHE_MAX_BYTES`): it gives way before the jobs do. */
export const DEFAULT_CACHE_MAX_BYTES = 256 * 1024 * 1024;
/** Byte budget of the robots.txt cache: room for thousands of typical files, 32 of the largest read. */
export const DEFAULT_ROBOTS_CACHE_MAX_BYTES = 16 * 1024 * 1024;
export const MAX_REDIRECTS = 5;
/** RFC 9110 lets a sender stack codings; more than two is only ever seen in decompression attacks. */
export const MAX_CONTENT_ENCODINGS = 2;

/** Longest Retry-After the crawler waits out inside one crawl before handing the URL back. */
export const DEFAULT_RETRY_AFTER_MAX_WAIT_MS = 30_000;
/** How many times one crawl retries a URL after a 429/503 with Retry-After. */
export const DEFAULT_RETRY_AFTER_MAX_RETRIES = 2;
/** Longest "not before" a Retry-After header may put on a host. */
export const MAX_HOST_DEFERRAL_MS = 60 * 60 * 1000;

export const DEFAULT_PDF_MAX_PAGES = 500;
export const DEFAULT_PDF_MAX_BYTES = 50 * 1024 * 1024;
export const DEFAULT_PDF_TIMEOUT_MS = 60_000;
export const DEFAULT_PDF_MAX_MEMORY_MB = 256;

/** Words per minute used for `readingTime`. */
export const READING_WORDS_PER_MINUTE = 200;

/** Bumped whenever the cached document shape changes, so old entries are never served. */
export const PAGE_CACHE_VERSION = 'v1';
