import type { NetworkFailure, PdfFailure, StoreFailure } from './crawler.interface';

/*
 * Libraries describe failures in text that names addresses and internals (`connect ECONNREFUSED
 * 10.0.0.5:80`, OpenSSL reasons, ioredis host:port). Callers only ever see a fixed text chosen
 * here from the error's code or name; the text itself is never passed on (SPEC §6).
 */

const DNS_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EAI_NODATA',
  'ENODATA',
  'ESERVFAIL',
  'ENONAME',
]);
const REFUSED_CODES = new Set(['ECONNREFUSED']);
const RESET_CODES = new Set([
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);
const UNREACHABLE_CODES = new Set([
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EADDRNOTAVAIL',
]);
const TIMED_OUT_CODES = new Set(['ETIMEDOUT']);
/** OpenSSL certificate verification results, as Node reports them in `code`. */
const CERTIFICATE_CODES = new Set([
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_CRL',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CRL_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CRL_NOT_YET_VALID',
  'CRL_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'ERROR_IN_CRL_LAST_UPDATE_FIELD',
  'ERROR_IN_CRL_NEXT_UPDATE_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
]);

/** Node's HTTP parser (llhttp) codes, and undici's for responses it cannot accept. */
function isProtocolCode(code: string): boolean {
  return (
    code.startsWith('HPE_') ||
    code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE' ||
    code === 'UND_ERR_HEADERS_OVERFLOW' ||
    code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH'
  );
}

function networkFailureOfCode(code: string): NetworkFailure | null {
  if (DNS_CODES.has(code)) return 'dns';
  if (REFUSED_CODES.has(code)) return 'refused';
  if (RESET_CODES.has(code)) return 'reset';
  if (UNREACHABLE_CODES.has(code)) return 'unreachable';
  if (TIMED_OUT_CODES.has(code)) return 'timed_out';
  if (CERTIFICATE_CODES.has(code) || code.includes('CERT')) return 'tls_certificate';
  if (code === 'EPROTO' || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
    return 'tls_handshake';
  }
  if (isProtocolCode(code)) return 'protocol';
  return null;
}

/**
 * The errors to look at, outermost first: the error, its `cause` chain, and the attempts of an
 * AggregateError (Node's happy-eyeballs connect reports one error per address tried). Bounded,
 * since a cause chain can be cyclic.
 */
function errorChain(error: unknown): object[] {
  const chain: object[] = [];
  const pending: unknown[] = [error];
  while (pending.length > 0 && chain.length < 16) {
    const next = pending.shift();
    if (typeof next !== 'object' || next === null || chain.includes(next)) continue;
    chain.push(next);
    const { cause, errors } = next as { cause?: unknown; errors?: unknown };
    pending.push(cause);
    if (Array.isArray(errors)) pending.push(...(errors as unknown[]));
  }
  return chain;
}

function codeOf(error: object): string | null {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : null;
}

/** Which fixed network failure `error` (from undici, the socket, the resolver or TLS) stands for. */
export function networkFailureOf(error: unknown): NetworkFailure {
  for (const link of errorChain(error)) {
    const code = codeOf(link);
    const failure = code === null ? null : networkFailureOfCode(code);
    if (failure) return failure;
  }
  return 'other';
}

/** Which fixed reason a pdf.js exception, known by its name, stands for. */
export function pdfFailureOf(name: string): PdfFailure {
  if (name === 'InvalidPDFException') return 'invalid_structure';
  if (name === 'PasswordException') return 'password';
  return 'malformed';
}

const REDIS_CONNECTION_ERROR =
  /Stream isn't writeable|Connection is closed|MaxRetriesPerRequest|Reached the max retries/i;

/**
 * Which fixed Redis failure an ioredis error stands for. Redis answers an out-of-memory refusal
 * with an `OOM …` reply; a lost connection shows as a socket code or one of ioredis' own texts.
 */
export function storeFailureOf(error: unknown): StoreFailure {
  for (const link of errorChain(error)) {
    const message = link instanceof Error ? link.message : '';
    if (message.startsWith('OOM ')) return 'out_of_memory';
    const code = codeOf(link);
    const failure = code === null ? null : networkFailureOfCode(code);
    if (failure) return 'connection';
    if (link instanceof Error && link.name === 'MaxRetriesPerRequestError') return 'connection';
    if (REDIS_CONNECTION_ERROR.test(message)) return 'connection';
  }
  return 'command';
}
