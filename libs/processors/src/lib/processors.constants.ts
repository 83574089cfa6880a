/** Injection token of the shared Crawler instance. */
export const CRAWLER = 'RIPTIDE_PROCESSORS:CRAWLER';
export const DEFAULT_MAX_CONCURRENCY = 10;
/** Injection token of the crawler's own Redis connection. */
export const CRAWLER_REDIS = 'RIPTIDE_PROCESSORS:CRAWLER_REDIS';
