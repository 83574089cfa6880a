import ipaddr from 'ipaddr.js';

/** True for a name or address that only reaches this machine: `localhost`, 127.0.0.0/8, ::1. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (!ipaddr.isValid(bare)) return false;
  const address = ipaddr.process(bare); // ::ffff:127.0.0.1 counts as 127.0.0.1
  return address.range() === 'loopback';
}

/** The host part of a Host header (`name:port`, `[v6]:port`), or null when it has none. */
export function hostOfHostHeader(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^(\[[^\]]+\]|[^:]+)(?::\d{1,5})?$/.exec(header.trim());
  return match ? match[1] : null;
}
