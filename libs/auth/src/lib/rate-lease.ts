/*
 * A key with a high rate (hundreds of submissions a second) would cost every submission a round
 * trip to the shared token bucket. Instead, an API process takes a few tokens at once (a lease)
 * and spends them one per submission. What that changes, and its bounds:
 *   - the global budget still holds: every token spent was taken from the shared bucket, and a
 *     lease lives at most LEASE_TTL_MS, so a window can admit at most one lease per API process
 *     beyond the bucket's own burst + rate × window;
 *   - a lease not spent within its life is lost, so a process that stops submitting may leave up
 *     to one lease unspent: at most a tenth of a second's rate;
 *   - a key whose rate or burst is under LEASE_FRACTION's reach (under 20 a second, say) gets
 *     leases of one token, that is exactly one bucket step per submission, as without leases.
 */

/** A lease holds at most this share of the key's rate (or burst, if smaller)… */
const LEASE_FRACTION = 0.1;
/** …and at most this many tokens. */
const MAX_LEASE_TOKENS = 100;
/** A lease's life, from when its tokens were taken. */
export const LEASE_TTL_MS = 1000;

/** How many tokens to take at once for a key with these limits: at least 1. */
export function leaseSize(ratePerSec: number, burst: number): number {
  const size = Math.floor(Math.min(ratePerSec, burst) * LEASE_FRACTION);
  return Math.max(1, Math.min(MAX_LEASE_TOKENS, size));
}

/** What the shared bucket said when the lease was taken, for the `RateLimit-*` headers. */
export interface BucketReading {
  /** Tokens left in the shared bucket once the lease was taken. */
  remaining: number;
  /** Seconds until the bucket would be full, as of then (`RateLimit-Reset`). */
  resetSecs: number;
}

/** The tokens an API process holds for one key. */
export class RateLease {
  private tokens = 0;
  private expiresAt = 0;
  private reading: BucketReading = { remaining: 0, resetSecs: 0 };

  /** Spends one token of a live lease: what the headers may say then, or null when there is none. */
  spend(now: number): BucketReading | null {
    if (this.tokens < 1 || now >= this.expiresAt) return null;
    this.tokens -= 1;
    return { remaining: this.reading.remaining + this.tokens, resetSecs: this.reading.resetSecs };
  }

  /** Holds `tokens` more, taken at `now`, replacing whatever was left of the previous lease. */
  renew(tokens: number, now: number, reading: BucketReading): void {
    this.tokens = tokens;
    this.expiresAt = now + LEASE_TTL_MS;
    this.reading = reading;
  }

  /** True when nothing is left to spend: the lease can be forgotten. */
  spent(now: number): boolean {
    return this.tokens < 1 || now >= this.expiresAt;
  }
}
