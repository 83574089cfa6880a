/** Injection token of the shared Crawler instance. */
export const CRAWLER = 'RIPTIDE_PROCESSORS:CRAWLER';
export const DEFAULT_MAX_CONCURRENCY = 10;
/** Times a batch crawls a URL again after a Retry-After longer than the crawler waits in place. */
export const BATCH_RETRY_AFTER_MAX_RETRIES = 2;
/** Injection token of the crawler's own Redis connection. */
export const CRAWLER_REDIS = 'RIPTIDE_PROCESSORS:CRAWLER_REDIS';
