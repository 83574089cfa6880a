/** User-facing text of the crawler; kept here so wording is reviewed in one place. */
import type {
  AddressRefusal,
  ExtractionFailure,
  NetworkFailure,
  PdfFailure,
  SsrfRefusal,
  StoreFailure,
} from './crawler.interface';

export const INVALID_URL = (reason: string) => `Invalid URL: ${reason}`;
export const URL_NOT_PARSEABLE = 'it could not be parsed as an absolute URL';
export const URL_SCHEME_NOT_ALLOWED = (scheme: string) =>
  `only http and https can be crawled, not "${scheme}"`;
export const URL_HAS_CREDENTIALS = 'URLs with a user name or password are refused';

/*
 * SSRF refusals never contain an IP address, neither a resolved one nor one typed in the URL
 * (SPEC §6): which internal address a name points to is itself what an attacker probes for.
 * Only a host *name* taken from the URL is echoed.
 */
const PRIVATE_NOT_ALLOWED = 'private networks are not allowed (CRAWL_ALLOW_PRIVATE_NETWORKS)';
const ALWAYS_REFUSED = 'which is always refused';

/** Reasons for a host name, refused by itself or by what it resolves to. */
const SSRF_NAME_REASONS: Record<SsrfRefusal, string> = {
  not_public: `it resolves to a non-public address; ${PRIVATE_NOT_ALLOWED}`,
  embedded_ipv4: `it resolves to an address that embeds a non-public IPv4 address; ${PRIVATE_NOT_ALLOWED}`,
  metadata: `it resolves to a cloud metadata endpoint, ${ALWAYS_REFUSED}`,
  metadata_name: `it is a cloud metadata endpoint, ${ALWAYS_REFUSED}`,
  local_name: `it is a local-only host name; ${PRIVATE_NOT_ALLOWED}`,
  no_address: 'it resolved to no usable address',
};

/** Reasons for a URL whose host is an IP address in any notation. */
const SSRF_ADDRESS_REASONS: Record<AddressRefusal, string> = {
  not_public: `the address in the URL is not a public unicast address; ${PRIVATE_NOT_ALLOWED}`,
  embedded_ipv4: `the address in the URL embeds a non-public IPv4 address; ${PRIVATE_NOT_ALLOWED}`,
  metadata: `the address in the URL is a cloud metadata endpoint, ${ALWAYS_REFUSED}`,
};

export const SSRF_BLOCKED_NAME = (host: string, refusal: SsrfRefusal) =>
  `Refused to connect to ${host}: ${SSRF_NAME_REASONS[refusal]}`;
export const SSRF_BLOCKED_ADDRESS = (refusal: AddressRefusal) =>
  `Refused to connect: ${SSRF_ADDRESS_REASONS[refusal]}`;

export const TOO_MANY_REDIRECTS = (max: number) => `Too many redirects (more than ${max})`;
export const REDIRECT_WITHOUT_LOCATION = (status: number) =>
  `HTTP ${status} redirect without a usable Location header`;

export const TIMED_OUT = (phase: string, ms: number) => `Timed out after ${ms} ms (${phase})`;
export const CANCELLED = 'The crawl was cancelled';
/*
 * Fixed texts chosen by error code: the raw text of undici, the resolver or OpenSSL names the
 * address connected to (`connect ECONNREFUSED 10.0.0.5:80`), which must not reach a caller.
 */
const NETWORK_FAILURES: Record<NetworkFailure, string> = {
  dns: 'the host name could not be resolved',
  refused: 'the connection was refused',
  reset: 'the connection was reset or closed by the server',
  unreachable: 'the host is unreachable',
  timed_out: 'the connection timed out',
  tls_certificate: "the server's TLS certificate was not accepted",
  tls_handshake: 'the TLS handshake failed',
  protocol: 'the server did not answer with valid HTTP',
  other: 'the connection failed',
};
export const NETWORK_FAILED = (failure: NetworkFailure) =>
  `Network error: ${NETWORK_FAILURES[failure]}`;

export const RESPONSE_TOO_LARGE = (maxBytes: number) =>
  `Response body exceeds the limit of ${maxBytes} bytes (after decompression)`;
export const TOO_MANY_ENCODINGS = (count: number, max: number) =>
  `Refused a response with ${count} content-encodings (at most ${max} are accepted)`;
export const UNKNOWN_ENCODING = (encoding: string) => `Unsupported content-encoding "${encoding}"`;

export const UNSUPPORTED_CONTENT_TYPE = (contentType: string) =>
  `Unsupported content type "${contentType}": only HTML, XHTML, plain text and PDF are extracted`;
export const NOT_A_PDF = 'The bytes are not a PDF document (no %PDF- header)';

export const ROBOTS_BLOCKED = 'Blocked by robots.txt';
/** `detail` is an HTTP status or the message of a crawl error, never a library's own text. */
export const ROBOTS_UNAVAILABLE = (detail: string) =>
  `Blocked by robots.txt: it could not be fetched (${detail}), so the whole site is treated as disallowed`;

/** Detail of an unavailable robots.txt whose cause is not known (or was cached without one). */
export const ROBOTS_FETCH_FAILED = 'the request failed';

export const HTTP_STATUS = (status: number) => `HTTP ${status}`;
export const HTTP_STATUS_RETRY_AFTER = (status: number, ms: number) =>
  `HTTP ${status}; the server asked to retry after ${Math.ceil(ms / 1000)} s`;

export const CACHE_MISS = 'Not in the page cache (cache_mode cache_only never fetches)';

/* pdf.js reports its failures by exception name; its message texts are not passed on. */
const PDF_FAILURES: Record<PdfFailure, string> = {
  invalid_structure: 'invalid PDF structure',
  password: 'it is protected by a password',
  malformed: 'its content is damaged or uses features that cannot be read',
};
export const PDF_INVALID = (failure: PdfFailure) =>
  `PDF could not be read: ${PDF_FAILURES[failure]}`;
export const PDF_TOO_LARGE = (maxBytes: number) => `PDF exceeds the limit of ${maxBytes} bytes`;
export const PDF_OUT_OF_MEMORY = (mb: number) =>
  `PDF extraction exceeded its memory limit of ${mb} MB`;
export const PDF_WORKER_FAILED = 'PDF extraction failed: its worker thread stopped unexpectedly';
export const PDF_READER_MISSING =
  'PDF extraction is not available: the PDF reader (pdfjs-dist) could not be loaded';

const EXTRACTION_FAILURES: Record<ExtractionFailure, string> = {
  parse: 'the page could not be parsed',
  decompress: 'the response body could not be decompressed',
  thread_failed: 'the extraction thread stopped unexpectedly',
  threads_closed: 'the extraction threads are closed (the crawler is shutting down)',
};
export const EXTRACTION_FAILED = (failure: ExtractionFailure) =>
  `Content extraction failed: ${EXTRACTION_FAILURES[failure]}`;

/* ioredis messages name the Redis address (`connect ECONNREFUSED 10.0.0.7:6379`). */
const STORE_FAILURES: Record<StoreFailure, string> = {
  connection: 'Redis is unavailable: the connection to Redis failed',
  out_of_memory: 'Redis is out of memory',
  command: 'Redis is unavailable: a Redis command failed',
};
export const STORE_UNAVAILABLE = (failure: StoreFailure) => STORE_FAILURES[failure];
