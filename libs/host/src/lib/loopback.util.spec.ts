import { hostOfHostHeader, isLoopbackHost } from './loopback.util';

describe('isLoopbackHost', () => {
  it.each([
    'localhost',
    'LOCALHOST',
    'api.localhost',
    '127.0.0.1',
    '127.8.9.10',
    '::1',
    '[::1]',
    '::ffff:127.0.0.1',
  ])('%s is loopback', (host) => expect(isLoopbackHost(host)).toBe(true));

  it.each([
    '0.0.0.0',
    '::',
    '10.0.0.1',
    '192.168.1.2',
    'example.com',
    '127.0.0.1.nip.io',
    'localhost.example.com',
    '',
  ])('%s is not', (host) => expect(isLoopbackHost(host)).toBe(false));
});

describe('hostOfHostHeader', () => {
  it('drops the port and keeps IPv6 brackets', () => {
    expect(hostOfHostHeader('localhost:3000')).toBe('localhost');
    expect(hostOfHostHeader('[::1]:3000')).toBe('[::1]');
    expect(hostOfHostHeader('127.0.0.1')).toBe('127.0.0.1');
    expect(hostOfHostHeader(undefined)).toBeNull();
    expect(hostOfHostHeader('a:b:c')).toBeNull();
  });
});
