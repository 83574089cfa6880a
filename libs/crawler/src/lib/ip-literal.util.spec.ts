import ipaddr from 'ipaddr.js';
import { embeddedIpv4, parseIpLiteral, parseIpv4Literal } from './ip-literal.util';

describe('parseIpv4Literal', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['0X7F000001', '127.0.0.1'],
    ['017700000001', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['0x7f.0.0.1', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['127.0.1', '127.0.0.1'],
    ['127.0.0.1.', '127.0.0.1'],
    ['0', '0.0.0.0'],
    ['0x', '0.0.0.0'],
    ['169.254.43518', '169.254.169.254'],
    ['0xa9fea9fe', '169.254.169.254'],
    ['10.0.0.1', '10.0.0.1'],
    ['8.8.8.8', '8.8.8.8'],
  ])('reads %s as %s', (input, expected) => {
    expect(parseIpv4Literal(input)?.toString()).toBe(expected);
  });

  it.each([
    'example.com',
    '1.2.3.4.5',
    '256.1.1.1',
    '08.1.1.1',
    '1.2.3.256',
    '4294967296',
    '1..2',
    '',
    'localhost',
    '1.2.3.com',
  ])('does not read %p as an address', (input) => {
    expect(parseIpv4Literal(input)).toBeNull();
  });

  it('agrees with the WHATWG URL parser on the notations it normalises', () => {
    for (const host of ['2130706433', '0x7f.1', '0177.0.0.1', '127.1', '0xa9fea9fe']) {
      expect(new URL(`http://${host}/`).hostname).toBe(parseIpv4Literal(host)?.toString());
    }
  });
});

describe('parseIpLiteral', () => {
  it.each([
    ['[::1]', '::1'],
    ['::1', '::1'],
    ['[::ffff:127.0.0.1]', '::ffff:7f00:1'],
    ['[::ffff:7f00:1]', '::ffff:7f00:1'],
    ['[64:ff9b::127.0.0.1]', '64:ff9b::7f00:1'],
    ['[fe80::1%25eth0]', 'fe80::1'],
    ['[0:0:0:0:0:0:0:1]', '::1'],
  ])('reads %s as IPv6 %s', (input, expected) => {
    const parsed = parseIpLiteral(input);
    expect(parsed?.kind()).toBe('ipv6');
    expect((parsed as ipaddr.IPv6).toRFC5952String()).toBe(expected);
  });

  it('returns null for host names', () => {
    expect(parseIpLiteral('metadata.google.internal')).toBeNull();
    expect(parseIpLiteral('xn--bcher-kva.example')).toBeNull();
  });
});

describe('embeddedIpv4', () => {
  const embedded = (text: string) => embeddedIpv4(ipaddr.IPv6.parse(text)).map(String);

  it.each([
    ['::ffff:127.0.0.1', ['127.0.0.1']],
    ['::127.0.0.1', ['127.0.0.1']],
    ['::ffff:0:10.0.0.1', ['10.0.0.1']],
    ['64:ff9b::a9fe:a9fe', ['169.254.169.254']],
    ['64:ff9b:1::7f00:1', ['127.0.0.1']],
    ['2002:7f00:1::', ['127.0.0.1']],
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', ['65.54.227.120', '127.0.0.1']],
  ])('finds the IPv4 inside %s', (input, expected) => {
    expect(embedded(input)).toEqual(expected);
  });

  it('finds nothing in plain global addresses, :: and ::1', () => {
    expect(embedded('2606:4700::1111')).toEqual([]);
    expect(embedded('::')).toEqual([]);
    expect(embedded('::1')).toEqual([]);
  });
});
