import { NETWORK_FAILED, STORE_UNAVAILABLE } from './crawler.messages';
import { networkFailureOf, pdfFailureOf, storeFailureOf } from './error-kind.util';
import { NetworkError } from './errors/network.error';
import { StoreUnavailableError } from './errors/store-unavailable.error';
import { ipAddressesIn } from '../test/ip-address.spec-helper';

/** An error as Node, undici or OpenSSL raise it: a code and a text naming the address. */
function systemError(code: string, message: string, cause?: unknown): Error {
  return Object.assign(new Error(message, { cause }), { code });
}

describe('networkFailureOf', () => {
  it.each([
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND intranet.corp', 'dns'],
    ['EAI_AGAIN', 'getaddrinfo EAI_AGAIN intranet.corp', 'dns'],
    ['ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.5:8080', 'refused'],
    ['ECONNRESET', 'read ECONNRESET', 'reset'],
    ['UND_ERR_SOCKET', 'other side closed', 'reset'],
    ['EHOSTUNREACH', 'connect EHOSTUNREACH 10.0.0.5:80', 'unreachable'],
    ['ENETUNREACH', 'connect ENETUNREACH fd00::5:80', 'unreachable'],
    ['ETIMEDOUT', 'connect ETIMEDOUT 10.0.0.5:80', 'timed_out'],
    ['CERT_HAS_EXPIRED', 'certificate has expired', 'tls_certificate'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate', 'tls_certificate'],
    [
      'ERR_TLS_CERT_ALTNAME_INVALID',
      "Hostname/IP does not match certificate's altnames: IP: 10.0.0.5 is not in the cert's list",
      'tls_certificate',
    ],
    [
      'EPROTO',
      'write EPROTO 140:error:0A00010B:SSL routines::wrong version number',
      'tls_handshake',
    ],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number', 'tls_handshake'],
    ['HPE_INVALID_CONSTANT', 'Expected HTTP/', 'protocol'],
    ['ESOMETHINGNEW', 'something new at 10.0.0.5', 'other'],
  ] as const)('classifies %s as %s, whatever its text', (code, message, failure) => {
    const error = systemError(code, message);
    expect(networkFailureOf(error)).toBe(failure);
    const text = new NetworkError(networkFailureOf(error), { cause: error }).message;
    expect(text).toBe(NETWORK_FAILED(failure));
    expect(text).not.toContain(code);
    expect(ipAddressesIn(text)).toEqual([]);
  });

  it('looks through the cause chain and the attempts of an AggregateError', () => {
    const wrapped = new TypeError('fetch failed', {
      cause: systemError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.5:80'),
    });
    expect(networkFailureOf(wrapped)).toBe('refused');
    const attempts = new AggregateError([
      new Error('no code here'),
      systemError('EHOSTUNREACH', 'connect EHOSTUNREACH fd00::5:80'),
    ]);
    expect(networkFailureOf(attempts)).toBe('unreachable');
  });

  it('falls back to a generic failure for codeless errors, non-errors and cyclic causes', () => {
    expect(networkFailureOf(new Error('connect to 10.0.0.5 failed'))).toBe('other');
    expect(networkFailureOf('a string')).toBe('other');
    expect(networkFailureOf(null)).toBe('other');
    const cyclic: Error & { cause?: unknown } = new Error('cyclic');
    cyclic.cause = cyclic;
    expect(networkFailureOf(cyclic)).toBe('other');
  });
});

describe('pdfFailureOf', () => {
  it('tells the pdf.js exceptions apart by name', () => {
    expect(pdfFailureOf('InvalidPDFException')).toBe('invalid_structure');
    expect(pdfFailureOf('PasswordException')).toBe('password');
    expect(pdfFailureOf('UnknownErrorException')).toBe('malformed');
    expect(pdfFailureOf('TypeError')).toBe('malformed');
  });
});

describe('storeFailureOf', () => {
  it('tells a lost connection, an out-of-memory Redis and a failed command apart', () => {
    expect(storeFailureOf(systemError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.7:6379'))).toBe(
      'connection',
    );
    expect(storeFailureOf(new Error('Connection is closed.'))).toBe('connection');
    expect(
      storeFailureOf(
        Object.assign(new Error('Reached the max retries per request limit (which is 1).'), {
          name: 'MaxRetriesPerRequestError',
        }),
      ),
    ).toBe('connection');
    expect(
      storeFailureOf(new Error("OOM command not allowed when used memory > 'maxmemory'.")),
    ).toBe('out_of_memory');
    expect(storeFailureOf(new Error('WRONGTYPE Operation against a key'))).toBe('command');
  });

  it('never shows the text of the Redis client', () => {
    const error = systemError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.7:6379');
    const text = new StoreUnavailableError(storeFailureOf(error), { cause: error }).message;
    expect(text).toBe(STORE_UNAVAILABLE('connection'));
    expect(ipAddressesIn(text)).toEqual([]);
    expect(text).not.toMatch(/ECONNREFUSED|6379/);
  });
});
