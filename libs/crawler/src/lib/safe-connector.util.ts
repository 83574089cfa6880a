import { promises as dns } from 'node:dns';
import type { LookupAddress as DnsLookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction as NetLookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { buildConnector } from 'undici';
import type { LookupAddress, LookupFunction } from './crawler.interface';
import { NetworkError } from './errors/network.error';
import { SsrfBlockedError } from './errors/ssrf-blocked.error';
import { parseIpLiteral } from './ip-literal.util';
import { addressRefusal, bareHostname, hostNameRefusal, NetworkPolicy } from './ssrf-guard.util';

/** The system resolver (getaddrinfo), all addresses in resolver order. */
export const systemLookup: LookupFunction = async (hostname) => {
  const answers = await dns.lookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/**
 * Resolves `hostname` and checks every address. A name with any refused address is refused
 * as a whole: mixed public/private answers are the shape of a DNS rebinding attempt.
 */
export async function resolveCheckedAddresses(
  hostname: string,
  policy: NetworkPolicy,
  lookup: LookupFunction,
): Promise<LookupAddress[]> {
  const literal = parseIpLiteral(hostname);
  if (literal) {
    const refusal = addressRefusal(literal, policy);
    if (refusal) throw new SsrfBlockedError({ host: null, refusal });
    return [{ address: literal.toString(), family: literal.kind() === 'ipv4' ? 4 : 6 }];
  }
  const nameRefusal = hostNameRefusal(hostname, policy);
  if (nameRefusal) throw new SsrfBlockedError({ host: hostname, refusal: nameRefusal });
  const addresses = await lookup(hostname);
  if (addresses.length === 0) throw new NetworkError('dns');
  for (const entry of addresses) {
    if (!ipaddr.isValid(entry.address))
      throw new SsrfBlockedError({ host: hostname, refusal: 'no_address' });
    const refusal = addressRefusal(ipaddr.parse(entry.address), policy);
    if (refusal) throw new SsrfBlockedError({ host: hostname, refusal });
  }
  return addresses;
}

/**
 * An undici connector whose sockets can only reach checked addresses. The check runs inside
 * the socket's own `lookup`, so the address that was checked is the address connected to:
 * there is no window between a check and a second resolution (no DNS-rebinding TOCTOU).
 * Hosts that are IP literals skip `lookup` in `net.connect`, so they are checked here first.
 */
export function createSafeConnector(
  policy: NetworkPolicy,
  lookup: LookupFunction,
  connectTimeoutMs: number,
): buildConnector.connector {
  const guardedLookup: NetLookupFunction = (hostname, options: LookupOptions, callback) => {
    resolveCheckedAddresses(hostname, policy, lookup).then(
      (addresses) => {
        const wanted = options.family === 4 || options.family === 6 ? options.family : 0;
        const usable = wanted === 0 ? addresses : addresses.filter((a) => a.family === wanted);
        if (usable.length === 0) {
          // Only addresses of the other family: as good as no answer from the resolver.
          callback(new NetworkError('dns'), '', 0);
        } else if (options.all) {
          callback(null, usable as DnsLookupAddress[]);
        } else {
          callback(null, usable[0].address, usable[0].family);
        }
      },
      (error: Error) => callback(error, '', 0),
    );
  };
  const connect = buildConnector({ timeout: connectTimeoutMs, lookup: guardedLookup });
  return (options, callback) => {
    const host = bareHostname(options.hostname);
    const literal = parseIpLiteral(host);
    const refusal = literal ? addressRefusal(literal, policy) : null;
    if (refusal) {
      callback(new SsrfBlockedError({ host: null, refusal }), null);
      return;
    }
    connect(options, callback);
  };
}
