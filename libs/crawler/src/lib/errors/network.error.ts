import type { CrawlErrorCode, NetworkFailure } from '../crawler.interface';
import { NETWORK_FAILED } from '../crawler.messages';
import { CrawlError } from './crawl.error';

/** The error code of each kind of network failure: what a caller may want to act on. */
const NETWORK_CODES: Record<NetworkFailure, CrawlErrorCode> = {
  dns: 'dns',
  refused: 'connect',
  reset: 'connect',
  unreachable: 'connect',
  timed_out: 'timeout',
  tls_certificate: 'tls',
  tls_handshake: 'tls',
  protocol: 'protocol',
  other: 'network',
};

/** DNS failure, refused or reset connection, TLS failure: usually transient, so retryable. */
export class NetworkError extends CrawlError {
  readonly code: CrawlErrorCode;
  readonly retryClass = 'retryable' as const;

  /** `cause` keeps the original error for debugging; only the fixed text of `failure` is shown. */
  constructor(
    readonly failure: NetworkFailure,
    options?: { cause?: unknown },
  ) {
    super(NETWORK_FAILED(failure), options);
    this.code = NETWORK_CODES[failure];
  }
}
