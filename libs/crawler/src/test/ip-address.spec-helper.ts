/** Dotted-quad IPv4, also inside a mapped IPv6 form (`::ffff:10.0.0.1`). */
const IPV4 = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])/g;
/** IPv6: anything with `::`, or three or more colon-separated hex groups (`fd00:ec2:0:1`). */
const IPV6 = /[0-9a-f]{0,4}::[0-9a-f:]*|(?<![0-9a-z])[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){2,}/gi;
/** The hex notation of an IPv4 address (`0x7f000001`). */
const HEX_IPV4 = /\b0x[0-9a-f]{1,8}\b/gi;

/**
 * The IP addresses (or what looks like one) in `text`, for asserting that an answer reveals none
 * (SPEC §6). Returns the matches, so that a failing assertion shows what leaked.
 */
export function ipAddressesIn(text: string): string[] {
  return [IPV4, IPV6, HEX_IPV4].flatMap((pattern) => text.match(pattern) ?? []);
}
