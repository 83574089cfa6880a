import { hash, randomBytes } from 'node:crypto';
import { KEY_SECRET_BYTES, KEY_SECRET_PREFIX } from './auth.constants';

/**
 * Keys are 256 random bits, so a plain SHA-256 is enough to keep a stolen Redis dump from
 * yielding usable keys; a slow password hash would only cost every request time.
 */
export function hashSecret(secret: string): string {
  return secretDigest(secret).toString('hex');
}

/**
 * The SHA-256 of a secret as bytes: for a constant-time comparison, and (in hex) the lookup key.
 * One-shot: no Hash object to build and collect on every request.
 */
export function secretDigest(secret: string): Buffer {
  return hash('sha256', secret, 'buffer');
}

export function generateSecret(): string {
  return KEY_SECRET_PREFIX + randomBytes(KEY_SECRET_BYTES).toString('base64url');
}
