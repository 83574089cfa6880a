export { Crawler, parseRetryAfter } from './lib/crawler.service';
export type {
  AddressRefusal,
  CrawlErrorCode,
  CrawlFailure,
  CrawlResult,
  CrawlerOptions,
  ExtractedDoc,
  ExtractionFailure,
  LookupAddress,
  LookupFunction,
  NameRefusal,
  NetworkFailure,
  PdfExtractionOptions,
  PdfFailure,
  PdfMetadata,
  RetryClass,
  SsrfRefusal,
  StoreFailure,
} from './lib/crawler.interface';
export {
  DEFAULT_CACHE_MAX_BYTES,
  DEFAULT_HOST_CONCURRENCY,
  DEFAULT_HOST_MIN_GAP_MS,
  DEFAULT_MAX_BYTES,
  DEFAULT_TOTAL_TIMEOUT_MS,
  DEFAULT_USER_AGENT,
} from './lib/crawler.constants';
export { CrawlError } from './lib/errors/crawl.error';
export { CacheMissError } from './lib/errors/cache-miss.error';
export { CrawlCancelledError } from './lib/errors/crawl-cancelled.error';
export { CrawlTimeoutError } from './lib/errors/crawl-timeout.error';
export type { TimeoutPhase } from './lib/errors/crawl-timeout.error';
export { ExtractionError } from './lib/errors/extraction.error';
export { HttpStatusError } from './lib/errors/http-status.error';
export { InvalidUrlError } from './lib/errors/invalid-url.error';
export { NetworkError } from './lib/errors/network.error';
export { PdfExtractionError } from './lib/errors/pdf-extraction.error';
export { ResponseTooLargeError } from './lib/errors/response-too-large.error';
export { RobotsBlockedError } from './lib/errors/robots-blocked.error';
export { RobotsUnavailableError } from './lib/errors/robots-unavailable.error';
export { SsrfBlockedError } from './lib/errors/ssrf-blocked.error';
export type { SsrfRefusedTarget } from './lib/errors/ssrf-blocked.error';
export { StoreUnavailableError } from './lib/errors/store-unavailable.error';
export { TooManyRedirectsError } from './lib/errors/too-many-redirects.error';
export { UnsupportedContentTypeError } from './lib/errors/unsupported-content-type.error';
export { UnsupportedEncodingError } from './lib/errors/unsupported-encoding.error';
export { parseIpLiteral } from './lib/ip-literal.util';
export { SafeFetcher } from './lib/safe-fetcher.service';
export type {
  FetchRequest,
  FetchedResponse,
  ResponseHead,
  SafeFetcherOptions,
} from './lib/safe-fetcher.service';
export { createNetworkPolicy, assertFetchableUrl } from './lib/ssrf-guard.util';
export type { NetworkPolicy } from './lib/ssrf-guard.util';
export { resolveCheckedAddresses, systemLookup } from './lib/safe-connector.util';
