import { createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA256 of `t + "." + body` with `secret`, hex. */
export function computeSignature(secret: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/**
 * The `RipTide-Signature` header of a delivery: `t=<unix seconds>,v1=<hex>` with one `v1` per
 * secret (the current one first; during a rotation's overlap the previous one too), so a
 * receiver that still holds the old secret keeps verifying.
 */
export function signatureHeader(
  secrets: readonly string[],
  body: string | Buffer,
  timestamp = Math.floor(Date.now() / 1000),
): string {
  return [
    `t=${timestamp}`,
    ...secrets.map((secret) => `v1=${computeSignature(secret, timestamp, body)}`),
  ].join(',');
}

/**
 * Checks a `RipTide-Signature` header against the exact body received: true when one of its
 * `v1` values is the HMAC of that body with `secret` and its `t` is within `toleranceSecs` of
 * now (a replayed old delivery is refused). Constant-time comparison.
 */
export function verifySignature(
  header: string,
  body: string | Buffer,
  secret: string,
  toleranceSecs = 300,
  now = Math.floor(Date.now() / 1000),
): boolean {
  const parts = header.split(',').map((part) => part.trim().split('='));
  const timestamp = Number(parts.find(([key]) => key === 't')?.[1]);
  if (!Number.isInteger(timestamp) || Math.abs(now - timestamp) > toleranceSecs) return false;
  const expected = Buffer.from(computeSignature(secret, timestamp, body), 'hex');
  return parts
    .filter(([key, value]) => key === 'v1' && value !== undefined)
    .some(([, value]) => {
      const given = Buffer.from(value, 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}
