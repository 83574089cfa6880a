import ipaddr from 'ipaddr.js';
import { InvalidUrlError } from './errors/invalid-url.error';
import { SsrfBlockedError } from './errors/ssrf-blocked.error';
import {
  addressRefusal,
  assertFetchableUrl,
  createNetworkPolicy,
  hostNameRefusal,
} from './ssrf-guard.util';
import { ipAddressesIn } from '../test/ip-address.spec-helper';

/** The SsrfBlockedError `action` throws. */
function refusalOf(action: () => unknown): SsrfBlockedError {
  try {
    action();
  } catch (error) {
    if (error instanceof SsrfBlockedError) return error;
    throw error;
  }
  throw new Error('expected an SsrfBlockedError');
}

const strict = createNetworkPolicy({});
const open = createNetworkPolicy({ allowPrivateNetworks: true });

describe('addressRefusal', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '192.168.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '198.18.0.1',
    '192.0.2.1',
    '240.0.0.1',
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd00:ec2::254',
    'fec0::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:8.8.8.8',
    '::127.0.0.1',
    '64:ff9b::7f00:1',
    '64:ff9b::808:808',
    '2002:7f00:1::',
    '2001:0:4136:e378:8000:63bf:80ff:fffe',
    '2001:db8::1',
    '100::1',
  ])('refuses %s by default', (address) => {
    expect(addressRefusal(ipaddr.parse(address), strict)).not.toBeNull();
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '2606:4700:4700::1111',
    '2a00:1450:4001:80b::200e',
  ])('allows the public unicast address %s', (address) => {
    expect(addressRefusal(ipaddr.parse(address), strict)).toBeNull();
  });

  it('allows private addresses when private networks are allowed, but never metadata endpoints', () => {
    expect(addressRefusal(ipaddr.parse('127.0.0.1'), open)).toBeNull();
    expect(addressRefusal(ipaddr.parse('10.0.0.1'), open)).toBeNull();
    for (const metadata of [
      '169.254.169.254',
      'fd00:ec2::254',
      '100.100.100.200',
      '::ffff:169.254.169.254',
      '64:ff9b::a9fe:a9fe',
    ]) {
      expect(addressRefusal(ipaddr.parse(metadata), open)).toBe('metadata');
    }
  });

  it('allows listed networks only', () => {
    const policy = createNetworkPolicy({ allowedNetworks: ['127.0.0.2/32'] });
    expect(addressRefusal(ipaddr.parse('127.0.0.2'), policy)).toBeNull();
    expect(addressRefusal(ipaddr.parse('127.0.0.1'), policy)).not.toBeNull();
  });
});

describe('hostNameRefusal', () => {
  it.each([
    'localhost',
    'LOCALHOST.',
    'app.localhost',
    'printer.local',
    'db.internal',
    'nas.home.arpa',
    'metadata.google.internal',
    'metadata',
  ])('refuses %s by default', (name) => {
    expect(hostNameRefusal(name, strict)).not.toBeNull();
  });

  it('allows public names, and local names only with private networks allowed', () => {
    expect(hostNameRefusal('example.com', strict)).toBeNull();
    expect(hostNameRefusal('localhost', open)).toBeNull();
    expect(hostNameRefusal('metadata.google.internal', open)).toBe('metadata_name');
  });
});

describe('assertFetchableUrl', () => {
  it.each([
    'ftp://example.com/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'gopher://example.com/',
    'data:text/html,hi',
  ])('refuses the scheme of %s', (url) => {
    expect(() => assertFetchableUrl(url, open)).toThrow(InvalidUrlError);
  });

  it('refuses credentials and garbage', () => {
    expect(() => assertFetchableUrl('http://user:pass@example.com/', open)).toThrow(
      InvalidUrlError,
    );
    expect(() => assertFetchableUrl('http://user@example.com/', open)).toThrow(InvalidUrlError);
    expect(() => assertFetchableUrl('not a url', open)).toThrow(InvalidUrlError);
  });

  it.each([
    'http://127.0.0.1/',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://0177.0.0.1/',
    'http://127.1/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://[64:ff9b::127.0.0.1]/',
    'http://[2002:7f00:1::]/',
    'http://0.0.0.0/',
    'http://[::]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://0xa9fea9fe/',
    'http://[fd00:ec2::254]/',
    'http://10.0.0.1/',
    'http://localhost/',
    'http://metadata.google.internal/',
  ])('refuses %s before any request, without an address in the message', (url) => {
    expect(() => assertFetchableUrl(url, strict)).toThrow(SsrfBlockedError);
    const message = refusalOf(() => assertFetchableUrl(url, strict)).message;
    expect(message).toMatch(/^Refused to connect/);
    expect(ipAddressesIn(message)).toEqual([]);
  });

  it('tells the refusal reasons apart, naming only a host name the URL gave', () => {
    expect(refusalOf(() => assertFetchableUrl('http://127.0.0.1:1/', strict))).toMatchObject({
      refusal: 'not_public',
      host: null,
      message:
        'Refused to connect: the address in the URL is not a public unicast address; private networks are not allowed (CRAWL_ALLOW_PRIVATE_NETWORKS)',
    });
    expect(refusalOf(() => assertFetchableUrl('http://[::ffff:10.0.0.1]/', strict))).toMatchObject({
      refusal: 'not_public',
      host: null,
    });
    // NAT64 of 10.0.0.1: refused for its own range, before its embedded address is looked at.
    expect(refusalOf(() => assertFetchableUrl('http://[64:ff9b::a00:1]/', strict))).toMatchObject({
      refusal: 'not_public',
      host: null,
    });
    expect(refusalOf(() => assertFetchableUrl('http://169.254.169.254/', open))).toMatchObject({
      refusal: 'metadata',
      host: null,
      message:
        'Refused to connect: the address in the URL is a cloud metadata endpoint, which is always refused',
    });
    expect(refusalOf(() => assertFetchableUrl('http://localhost/', strict))).toMatchObject({
      refusal: 'local_name',
      host: 'localhost',
      message:
        'Refused to connect to localhost: it is a local-only host name; private networks are not allowed (CRAWL_ALLOW_PRIVATE_NETWORKS)',
    });
    expect(
      refusalOf(() => assertFetchableUrl('http://metadata.google.internal/', open)),
    ).toMatchObject({
      refusal: 'metadata_name',
      host: 'metadata.google.internal',
      message:
        'Refused to connect to metadata.google.internal: it is a cloud metadata endpoint, which is always refused',
    });
  });

  it('normalises and drops the fragment', () => {
    expect(assertFetchableUrl('HTTP://Example.COM:80/a?b=1#frag', strict).href).toBe(
      'http://example.com/a?b=1',
    );
  });
});
