import ipaddr from 'ipaddr.js';

/** A parsed IP address (either family). */
export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

const DECIMAL = /^(?:0|[1-9][0-9]*)$/;
const OCTAL = /^0[0-7]+$/;
const HEX = /^0x[0-9a-f]*$/;

function parseIpv4Part(part: string): number | null {
  if (HEX.test(part)) return part.length === 2 ? 0 : parseInt(part.slice(2), 16);
  if (OCTAL.test(part)) return parseInt(part.slice(1), 8);
  if (DECIMAL.test(part)) return parseInt(part, 10);
  return null;
}

/**
 * Parses an IPv4 address the way inet_aton and the WHATWG URL parser do: one to four parts,
 * each decimal, octal (leading 0) or hex (0x), the last part filling the remaining bytes. So
 * `2130706433`, `0x7f000001`, `0177.0.0.1`, `127.1` and `127.0.0.1.` are all 127.0.0.1.
 * Resolvers and URL parsers disagree on these forms, which is why they are normalised here
 * before any check instead of trusting one parser.
 */
export function parseIpv4Literal(host: string): ipaddr.IPv4 | null {
  let text = host.trim().toLowerCase();
  if (text.endsWith('.')) text = text.slice(0, -1);
  if (text === '') return null;
  const parts = text.split('.');
  if (parts.length > 4) return null;
  const values: number[] = [];
  for (const part of parts) {
    const value = parseIpv4Part(part);
    if (value === null || !Number.isSafeInteger(value)) return null;
    values.push(value);
  }
  const last = values[values.length - 1];
  const head = values.slice(0, -1);
  if (head.some((v) => v > 255)) return null;
  const tailBytes = 4 - head.length;
  if (last >= 256 ** tailBytes) return null;
  const octets = [...head];
  for (let i = tailBytes - 1; i >= 0; i -= 1) octets.push(Math.floor(last / 256 ** i) % 256);
  return new ipaddr.IPv4(octets);
}

/** Parses an IPv6 literal, with or without brackets; a zone id (`%eth0`) is dropped. */
export function parseIpv6Literal(host: string): ipaddr.IPv6 | null {
  let text = host.trim().toLowerCase();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  text = text.replace(/%(25)?[^%]*$/, '');
  if (!text.includes(':') || !ipaddr.IPv6.isValid(text)) return null;
  return ipaddr.IPv6.parse(text);
}

/** The address a host string denotes when it is an IP literal in any notation, else null. */
export function parseIpLiteral(host: string): IpAddress | null {
  return parseIpv6Literal(host) ?? parseIpv4Literal(host);
}

function ipv4FromWords(high: number, low: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

/**
 * IPv4 addresses carried inside an IPv6 address by a transition mechanism: IPv4-mapped and
 * IPv4-compatible (::ffff:a.b.c.d, ::a.b.c.d), SIIT (::ffff:0:a.b.c.d), NAT64 (64:ff9b::/96,
 * 64:ff9b:1::/48), 6to4 (2002::/16) and Teredo (2001::/32, server and obfuscated client).
 * Any of them may route to the embedded host, so each is checked like the outer address.
 */
export function embeddedIpv4(address: ipaddr.IPv6): ipaddr.IPv4[] {
  const p = address.parts;
  const found: ipaddr.IPv4[] = [];
  const zeroPrefix = (n: number) => p.slice(0, n).every((w) => w === 0);
  if (zeroPrefix(5) && p[5] === 0xffff) found.push(ipv4FromWords(p[6], p[7]));
  else if (zeroPrefix(4) && p[4] === 0xffff && p[5] === 0) found.push(ipv4FromWords(p[6], p[7]));
  else if (zeroPrefix(6) && (p[6] !== 0 || p[7] > 1)) found.push(ipv4FromWords(p[6], p[7]));
  else if (p[0] === 0x64 && p[1] === 0xff9b) found.push(ipv4FromWords(p[6], p[7]));
  else if (p[0] === 0x2002) found.push(ipv4FromWords(p[1], p[2]));
  else if (p[0] === 0x2001 && p[1] === 0) {
    found.push(ipv4FromWords(p[2], p[3]));
    found.push(ipv4FromWords(p[6] ^ 0xffff, p[7] ^ 0xffff));
  }
  return found;
}
