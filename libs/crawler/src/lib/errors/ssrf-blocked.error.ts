import type { AddressRefusal, SsrfRefusal } from '../crawler.interface';
import { SSRF_BLOCKED_ADDRESS, SSRF_BLOCKED_NAME } from '../crawler.messages';
import { CrawlError } from './crawl.error';

/**
 * What was refused: a host name (by itself or by an address it resolves to), or a URL whose
 * host is an IP address in any notation (`host: null`: the address is not kept, so it cannot
 * end up in a message).
 */
export type SsrfRefusedTarget =
  { host: string; refusal: SsrfRefusal } | { host: null; refusal: AddressRefusal };

/** The target (or a redirect hop, or a resolved address) is not a public unicast address. */
export class SsrfBlockedError extends CrawlError {
  readonly code = 'ssrf_blocked' as const;
  readonly retryClass = 'non-retryable' as const;
  readonly host: string | null;
  readonly refusal: SsrfRefusal;

  constructor(target: SsrfRefusedTarget) {
    super(
      target.host === null
        ? SSRF_BLOCKED_ADDRESS(target.refusal)
        : SSRF_BLOCKED_NAME(target.host, target.refusal),
    );
    this.host = target.host;
    this.refusal = target.refusal;
  }
}
