/** Request headers as Node and Fastify give them (names in lower case). */
export type RequestHeaders = Record<string, string | string[] | undefined>;

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;
// RFC 7617 credentials: the scheme (any case), then base64 of `user-id:password`.
const BASIC = /^Basic[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i;

/** A header's one value; a repeated header is ambiguous, so it counts as absent rather than guessed at. */
const single = (value: string | string[] | undefined): string | undefined =>
  typeof value === 'string' ? value : undefined;

/** The key a request carries: `Authorization: Bearer <key>`, else `X-API-Key: <key>`; null when neither. */
export function apiKeyFromHeaders(headers: RequestHeaders): string | null {
  const authorization = single(headers['authorization']);
  const bearer = authorization ? BEARER.exec(authorization) : null;
  if (bearer) return bearer[1];
  const header = single(headers['x-api-key'])?.trim();
  return header ? header : null;
}

/**
 * The password of `Authorization: Basic …`, whatever the user name: how a browser sends a key.
 * Null when the header is missing, repeated, of another scheme, or has no password.
 */
export function basicAuthPassword(headers: RequestHeaders): string | null {
  const authorization = single(headers['authorization']);
  const basic = authorization ? BASIC.exec(authorization) : null;
  if (!basic) return null;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  // The user-id cannot hold a colon (RFC 7617 §2) but the password can, so split at the first.
  const colon = decoded.indexOf(':');
  return colon >= 0 && colon < decoded.length - 1 ? decoded.slice(colon + 1) : null;
}
