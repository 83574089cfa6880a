import ipaddr from 'ipaddr.js';
import type { AddressRefusal, NameRefusal } from './crawler.interface';
import { URL_HAS_CREDENTIALS, URL_NOT_PARSEABLE, URL_SCHEME_NOT_ALLOWED } from './crawler.messages';
import { InvalidUrlError } from './errors/invalid-url.error';
import { SsrfBlockedError } from './errors/ssrf-blocked.error';
import { embeddedIpv4, IpAddress, parseIpLiteral } from './ip-literal.util';

/** Which targets may be reached. */
export interface NetworkPolicy {
  allowPrivateNetworks: boolean;
  /** CIDR ranges allowed even when private networks are not. */
  allowedNetworks: Array<[IpAddress, number]>;
}

/** Builds a {@link NetworkPolicy}; an invalid CIDR throws at construction, not at crawl time. */
export function createNetworkPolicy(options: {
  allowPrivateNetworks?: boolean;
  allowedNetworks?: string[];
}): NetworkPolicy {
  return {
    allowPrivateNetworks: options.allowPrivateNetworks ?? false,
    allowedNetworks: (options.allowedNetworks ?? []).map((cidr) => ipaddr.parseCIDR(cidr)),
  };
}

/**
 * Cloud metadata endpoints (AWS IMDS and ECS, Azure, GCP, Alibaba, Oracle, OpenStack share
 * 169.254.169.254). They hand out credentials, so they stay refused even on private deployments.
 */
const METADATA_NETWORKS: Array<[IpAddress, number]> = [
  ipaddr.parseCIDR('169.254.169.0/24'),
  ipaddr.parseCIDR('169.254.170.2/32'),
  ipaddr.parseCIDR('100.100.100.200/32'),
  ipaddr.parseCIDR('168.63.129.16/32'),
  ipaddr.parseCIDR('fd00:ec2::/64'),
];

const METADATA_NAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
  'metadata.azure.com',
]);

/** Special-use names (RFC 6761, 6762, 8375, ICANN .internal) that never denote a public host. */
const LOCAL_SUFFIXES = ['.localhost', '.local', '.internal', '.home.arpa', '.localdomain'];

/** Only 2000::/3 is global unicast; everything else in IPv6 is special or unassigned. */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

function matches(address: IpAddress, network: [IpAddress, number]): boolean {
  let candidate = address;
  if (candidate.kind() === 'ipv6' && network[0].kind() === 'ipv4') {
    const v6 = candidate as ipaddr.IPv6;
    if (!v6.isIPv4MappedAddress()) return false;
    candidate = v6.toIPv4Address();
  }
  return candidate.kind() === network[0].kind() && candidate.match(network);
}

function isMetadata(address: IpAddress): boolean {
  const candidates =
    address.kind() === 'ipv6' ? [address, ...embeddedIpv4(address as ipaddr.IPv6)] : [address];
  return candidates.some((candidate) => METADATA_NETWORKS.some((net) => matches(candidate, net)));
}

/** Why `address` may not be connected to under `policy`, or null when it may. */
export function addressRefusal(address: IpAddress, policy: NetworkPolicy): AddressRefusal | null {
  if (isMetadata(address)) return 'metadata';
  if (policy.allowedNetworks.some((net) => matches(address, net))) return null;
  if (policy.allowPrivateNetworks) return null;
  if (address.range() !== 'unicast') return 'not_public';
  if (address.kind() === 'ipv6') {
    if (!address.match(GLOBAL_UNICAST_V6)) return 'not_public';
    for (const inner of embeddedIpv4(address as ipaddr.IPv6)) {
      if (inner.range() !== 'unicast') return 'embedded_ipv4';
    }
  }
  return null;
}

/** Why a host name may not be resolved and connected to, or null when it may (addresses are checked later). */
export function hostNameRefusal(hostname: string, policy: NetworkPolicy): NameRefusal | null {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  if (METADATA_NAMES.has(name)) return 'metadata_name';
  if (policy.allowPrivateNetworks) return null;
  if (name === 'localhost' || LOCAL_SUFFIXES.some((suffix) => name.endsWith(suffix))) {
    return 'local_name';
  }
  return null;
}

/** Strips the brackets the URL API keeps around IPv6 host names. */
export function bareHostname(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/**
 * Parses and checks a URL before anything is sent: http/https only, no credentials, and an IP
 * literal host (in any notation) or a local-only name refused up front. Returns the URL
 * without its fragment, which is never sent to a server.
 */
export function assertFetchableUrl(input: string | URL, policy: NetworkPolicy): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new InvalidUrlError(URL_NOT_PARSEABLE);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidUrlError(URL_SCHEME_NOT_ALLOWED(url.protocol.replace(/:$/, '')));
  }
  if (url.username !== '' || url.password !== '') throw new InvalidUrlError(URL_HAS_CREDENTIALS);
  const host = bareHostname(url.hostname);
  if (host === '') throw new InvalidUrlError(URL_NOT_PARSEABLE);
  const literal = parseIpLiteral(host);
  if (literal) {
    const refusal = addressRefusal(literal, policy);
    if (refusal) throw new SsrfBlockedError({ host: null, refusal });
  } else {
    const refusal = hostNameRefusal(host, policy);
    if (refusal) throw new SsrfBlockedError({ host, refusal });
  }
  url.hash = '';
  return url;
}
