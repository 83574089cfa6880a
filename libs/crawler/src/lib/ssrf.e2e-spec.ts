// eslint-disable-next-line @nx/enforce-module-boundaries -- test-only use of the shared fixture servers
import { CanaryServer, FixtureSite, startCanaryServer, startFixtureSite } from '@riptide/testing';
import type { LookupFunction } from './crawler.interface';
import { systemLookup } from './safe-connector.util';
import { createE2eContext, E2eContext } from '../test/crawler-e2e.spec-helper';
import { ipAddressesIn } from '../test/ip-address.spec-helper';

const PRIVATE_NOT_ALLOWED = 'private networks are not allowed (CRAWL_ALLOW_PRIVATE_NETWORKS)';

/** A resolver where public-looking names point at loopback, as a hostile DNS would. */
const rebindingLookup: LookupFunction = async (hostname) => {
  if (hostname.endsWith('.public-looking.example')) return [{ address: '127.0.0.1', family: 4 }];
  if (hostname === 'mixed.public-looking.test') {
    return [
      { address: '93.184.216.34', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ];
  }
  if (hostname === 'v6.public-looking.test') return [{ address: '::ffff:127.0.0.1', family: 6 }];
  return systemLookup(hostname);
};

describe('SSRF protection (private networks not allowed)', () => {
  let canary: CanaryServer;
  let ctx: E2eContext;

  beforeAll(async () => {
    canary = await startCanaryServer();
  });
  afterAll(() => canary.close());
  beforeEach(() => {
    ctx = createE2eContext();
  });
  afterEach(async () => {
    await ctx.cleanup();
    // Nothing, robots.txt included, may ever reach the canary.
    expect(canary.requests).toEqual([]);
  });

  const notations = () => {
    const p = canary.port;
    return [
      `http://127.0.0.1:${p}/`,
      `http://2130706433:${p}/`,
      `http://0x7f000001:${p}/`,
      `http://0x7f.0x0.0x0.0x1:${p}/`,
      `http://0177.0.0.1:${p}/`,
      `http://017700000001:${p}/`,
      `http://127.1:${p}/`,
      `http://127.0.1:${p}/`,
      `http://127.000.000.001:${p}/`,
      `http://0.0.0.0:${p}/`,
      `http://0:${p}/`,
      `http://[::1]:${p}/`,
      `http://[::]:${p}/`,
      `http://[0:0:0:0:0:0:0:1]:${p}/`,
      `http://[::ffff:127.0.0.1]:${p}/`,
      `http://[::ffff:7f00:1]:${p}/`,
      `http://[::127.0.0.1]:${p}/`,
      `http://[64:ff9b::127.0.0.1]:${p}/`,
      `http://[2002:7f00:1::]:${p}/`,
      `http://localhost:${p}/`,
      `http://LOCALHOST.:${p}/`,
      `http://app.localhost:${p}/`,
      `https://127.0.0.1:${p}/`,
      'http://169.254.169.254/latest/meta-data/',
      'http://0xa9fea9fe/latest/meta-data/',
      'http://[fd00:ec2::254]/latest/meta-data/',
      'http://100.100.100.200/latest/meta-data/',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://10.0.0.1/',
      'http://[::ffff:10.0.0.1]/',
      'http://192.168.1.1/',
      'http://172.16.0.1/',
      'http://[fe80::1]/',
      'http://[fc00::1]/',
    ];
  };

  it('refuses loopback, private, link-local and metadata targets in every notation', async () => {
    const crawler = ctx.crawler({ allowPrivateNetworks: false, lookup: rebindingLookup });
    for (const url of notations()) {
      const result = await crawler.crawl(url);
      expect({ url, code: result.error?.code, retryClass: result.error?.retryClass }).toEqual({
        url,
        code: 'ssrf_blocked',
        retryClass: 'non-retryable',
      });
      // Neither the address typed nor the one a name resolves to is ever echoed.
      const message = result.error?.message ?? '';
      expect({ url, leaked: ipAddressesIn(message) }).toEqual({ url, leaked: [] });
    }
  });

  it('says why, without the address: a typed address, a mapped one, a metadata endpoint', async () => {
    const crawler = ctx.crawler({ allowPrivateNetworks: false });
    const messageOf = async (url: string) => (await crawler.crawl(url)).error?.message;
    expect(await messageOf(`http://127.0.0.1:${canary.port}/`)).toBe(
      `Refused to connect: the address in the URL is not a public unicast address; ${PRIVATE_NOT_ALLOWED}`,
    );
    expect(await messageOf('http://[::ffff:10.0.0.1]/')).toBe(
      `Refused to connect: the address in the URL is not a public unicast address; ${PRIVATE_NOT_ALLOWED}`,
    );
    expect(await messageOf('http://169.254.169.254/latest/meta-data/')).toBe(
      'Refused to connect: the address in the URL is a cloud metadata endpoint, which is always refused',
    );
    expect(await messageOf(`http://localhost:${canary.port}/`)).toBe(
      `Refused to connect to localhost: it is a local-only host name; ${PRIVATE_NOT_ALLOWED}`,
    );
  });

  it('refuses a metadata endpoint even with private networks allowed, without its address', async () => {
    const crawler = ctx.crawler({ allowPrivateNetworks: true });
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://[fd00:ec2::254]/']) {
      const result = await crawler.crawl(url);
      expect(result.error).toMatchObject({
        code: 'ssrf_blocked',
        message:
          'Refused to connect: the address in the URL is a cloud metadata endpoint, which is always refused',
      });
    }
  });

  it('refuses a public-looking host name that resolves to loopback, at connect time', async () => {
    const crawler = ctx.crawler({ allowPrivateNetworks: false, lookup: rebindingLookup });
    for (const host of [
      'www.public-looking.example',
      'mixed.public-looking.test',
      'v6.public-looking.test',
    ]) {
      const result = await crawler.crawl(`http://${host}:${canary.port}/page`);
      expect(result.error).toMatchObject({
        code: 'ssrf_blocked',
        retryClass: 'non-retryable',
        // The name the URL gave is echoed; the loopback address it resolved to is not.
        message: `Refused to connect to ${host}: it resolves to a non-public address; ${PRIVATE_NOT_ALLOWED}`,
      });
      expect(ipAddressesIn(result.error?.message ?? '')).toEqual([]);
    }
  });

  it('refuses a name that resolves to a metadata endpoint, without the address', async () => {
    const crawler = ctx.crawler({
      allowPrivateNetworks: true,
      lookup: async () => [{ address: '169.254.169.254', family: 4 }],
    });
    const result = await crawler.crawl('http://innocent.example/');
    expect(result.error).toMatchObject({
      code: 'ssrf_blocked',
      message:
        'Refused to connect to innocent.example: it resolves to a cloud metadata endpoint, which is always refused',
    });
  });

  it('refuses credentials in URLs and non-http schemes', async () => {
    const crawler = ctx.crawler({ allowPrivateNetworks: false });
    for (const url of [
      `http://user:pw@127.0.0.1:${canary.port}/`,
      'file:///etc/passwd',
      'ftp://example.com/',
    ]) {
      expect((await crawler.crawl(url)).error?.code).toBe('invalid_url');
    }
  });

  describe('redirects', () => {
    let site: FixtureSite;
    beforeAll(async () => {
      // An allowed "public" site: 127.0.0.2 is allow-listed, the canary's 127.0.0.1 is not.
      site = await startFixtureSite({ host: '127.0.0.2' });
    });
    afterAll(() => site.close());

    it('refuses a redirect to a private address, whatever its notation', async () => {
      const crawler = ctx.crawler({
        allowPrivateNetworks: false,
        allowedNetworks: ['127.0.0.2/32'],
        lookup: rebindingLookup,
      });
      const ok = await crawler.crawl(site.url('/article'));
      expect(ok.error).toBeNull();
      for (const target of [
        `http://127.0.0.1:${canary.port}/`,
        `http://2130706433:${canary.port}/`,
        `http://[::ffff:127.0.0.1]:${canary.port}/`,
        `http://www.public-looking.example:${canary.port}/`,
        'http://169.254.169.254/latest/meta-data/',
      ]) {
        for (const status of [301, 302, 307]) {
          const result = await crawler.crawl(
            site.url(`/redirect-to?status=${status}&location=${encodeURIComponent(target)}`),
            { cacheMode: 'bypass' },
          );
          expect({
            target,
            code: result.error?.code,
            leaked: ipAddressesIn(result.error?.message ?? ''),
          }).toEqual({ target, code: 'ssrf_blocked', leaked: [] });
        }
      }
    });
  });
});
