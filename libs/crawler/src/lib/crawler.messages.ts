/** User-facing text of the crawler; kept here so wording is reviewed in one place. */

export const INVALID_URL = (reason: string) => `Invalid URL: ${reason}`;
export const URL_NOT_PARSEABLE = 'it could not be parsed as an absolute URL';
export const URL_SCHEME_NOT_ALLOWED = (scheme: string) =>
  `only http and https can be crawled, not "${scheme}"`;
export const URL_HAS_CREDENTIALS = 'URLs with a user name or password are refused';

export const SSRF_BLOCKED = (host: string, reason: string) =>
  `Refused to connect to ${host}: ${reason}`;
export const SSRF_NOT_PUBLIC = (address: string, range: string) =>
  `${address} is not a public unicast address (${range}); private networks are not allowed (allowPrivateNetworks / CRAWL_ALLOW_PRIVATE_NETWORKS)`;
export const SSRF_METADATA = (address: string) =>
  `${address} is a cloud metadata endpoint, which is always refused`;
export const SSRF_EMBEDDED = (address: string, embedded: string) =>
  `${address} embeds the IPv4 address ${embedded}, which is not allowed`;
export const SSRF_LOCAL_NAME = (name: string) =>
  `"${name}" is a local-only host name; private networks are not allowed`;
export const SSRF_NO_ADDRESS = 'the host name resolved to no address';

export const TOO_MANY_REDIRECTS = (max: number) => `Too many redirects (more than ${max})`;
export const REDIRECT_WITHOUT_LOCATION = (status: number) =>
  `HTTP ${status} redirect without a usable Location header`;

export const TIMED_OUT = (phase: string, ms: number) => `Timed out after ${ms} ms (${phase})`;
export const CANCELLED = 'The crawl was cancelled';
export const NETWORK_FAILED = (detail: string) => `Network error: ${detail}`;

export const RESPONSE_TOO_LARGE = (maxBytes: number) =>
  `Response body exceeds the limit of ${maxBytes} bytes (after decompression)`;
export const TOO_MANY_ENCODINGS = (count: number, max: number) =>
  `Refused a response with ${count} content-encodings (at most ${max} are accepted)`;
export const UNKNOWN_ENCODING = (encoding: string) => `Unsupported content-encoding "${encoding}"`;

export const UNSUPPORTED_CONTENT_TYPE = (contentType: string) =>
  `Unsupported content type "${contentType}": only HTML, XHTML, plain text and PDF are extracted`;
export const NOT_A_PDF = 'The bytes are not a PDF document (no %PDF- header)';

export const ROBOTS_BLOCKED = 'Blocked by robots.txt';
export const ROBOTS_UNAVAILABLE = (detail: string) =>
  `Blocked by robots.txt: it could not be fetched (${detail}), so the whole site is treated as disallowed`;

export const HTTP_STATUS = (status: number) => `HTTP ${status}`;
export const HTTP_STATUS_RETRY_AFTER = (status: number, ms: number) =>
  `HTTP ${status}; the server asked to retry after ${Math.ceil(ms / 1000)} s`;

export const CACHE_MISS = 'Not in the page cache (cache_mode cache_only never fetches)';

export const PDF_INVALID = (detail: string) => `PDF could not be read: ${detail}`;
export const PDF_TOO_LARGE = (maxBytes: number) => `PDF exceeds the limit of ${maxBytes} bytes`;
export const PDF_OUT_OF_MEMORY = (mb: number) =>
  `PDF extraction exceeded its memory limit of ${mb} MB`;
export const PDF_WORKER_FAILED = (detail: string) => `PDF extraction worker failed: ${detail}`;

export const EXTRACTION_FAILED = (detail: string) => `Content extraction failed: ${detail}`;
export const STORE_UNAVAILABLE = (detail: string) => `Redis is unavailable: ${detail}`;
