import { get as httpGet } from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';
// The fixture site is a test-only dependency on the shared testing library.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { FIXTURE_ARTICLE, FixtureSite, startFixtureSite } from '@riptide/testing';
import { createE2eContext, E2eContext } from '../test/crawler-e2e.spec-helper';
import { ipAddressesIn } from '../test/ip-address.spec-helper';

/** GETs `url` and drops the body undecoded. */
function fetchRaw(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    httpGet(url, (response) => response.resume().on('end', resolve)).on('error', reject);
  });
}

describe('fetching (real HTTP against the fixture site)', () => {
  let site: FixtureSite;
  let ctx: E2eContext;

  beforeAll(async () => {
    site = await startFixtureSite({ bombBytes: 32 * 1024 * 1024 });
  });
  afterAll(() => site.close());
  beforeEach(() => {
    ctx = createE2eContext();
    site.reset();
  });
  afterEach(() => ctx.cleanup());

  it('fetches and extracts a page, sending a descriptive User-Agent', async () => {
    const result = await ctx.crawler().crawl(site.url('/article'));
    expect(result.error).toBeNull();
    expect(result.status).toBe(200);
    expect(result.finalUrl).toBe(site.url('/article'));
    expect(result.document?.title).toBe(FIXTURE_ARTICLE.title);
    const ua = site.requestsTo('/article')[0].headers['user-agent'];
    expect(ua).toBe('RipTideWorkers/0.1 (+https://github.com/riptide-workers/riptide)');
  });

  it('uses a configured User-Agent for pages and robots.txt alike', async () => {
    await ctx
      .crawler({ userAgent: 'AcmeBot/2.0 (+https://acme.example/bot)' })
      .crawl(site.url('/article'));
    expect(site.requests.map((r) => r.headers['user-agent'])).toEqual([
      'AcmeBot/2.0 (+https://acme.example/bot)',
      'AcmeBot/2.0 (+https://acme.example/bot)',
    ]);
  });

  it('follows up to five redirects itself and reports the final URL', async () => {
    const result = await ctx.crawler().crawl(site.url('/redirect/5'));
    expect(result.error).toBeNull();
    expect(result.finalUrl).toBe(site.url('/redirect/0'));
    expect(result.document?.title).toBe(FIXTURE_ARTICLE.title);
  });

  it('refuses a sixth redirect', async () => {
    const result = await ctx.crawler().crawl(site.url('/redirect/6'));
    expect(result.error).toMatchObject({ code: 'too_many_redirects', retryClass: 'non-retryable' });
    expect(site.requestsTo('/redirect/0')).toHaveLength(0);
  });

  it('refuses redirects to other schemes', async () => {
    const result = await ctx.crawler().crawl(site.url('/redirect-to?location=file:///etc/passwd'));
    expect(result.error).toMatchObject({ code: 'invalid_url', retryClass: 'non-retryable' });
  });

  it('decodes gzip and stacked gzip + br bodies', async () => {
    const crawler = ctx.crawler();
    for (const path of ['/gzip', '/gzip-br']) {
      const result = await crawler.crawl(site.url(path));
      expect(result.error).toBeNull();
      expect(result.document?.text).toContain(FIXTURE_ARTICLE.mainSentence);
    }
  });

  it('refuses more than two content-encodings', async () => {
    const result = await ctx.crawler().crawl(site.url('/triple-encoded'));
    expect(result.error).toMatchObject({
      code: 'unsupported_encoding',
      retryClass: 'non-retryable',
    });
  });

  it.each(['/gzip-bomb', '/br-bomb', '/deflate-bomb'])(
    'stops %s at the decoded byte cap',
    async (path) => {
      // The fixture builds its bombs (in this process) on first request: not part of the measure.
      await fetchRaw(site.url(path));
      const before = process.memoryUsage().rss;
      const started = Date.now();
      const result = await ctx.crawler().crawl(site.url(path), { maxBytes: 1024 * 1024 });
      expect(result.error).toMatchObject({
        code: 'too_large',
        retryClass: 'non-retryable',
      });
      // 32 MiB would have been inflated without the cap; far less than that was held.
      expect(process.memoryUsage().rss - before).toBeLessThan(24 * 1024 * 1024);
      expect(Date.now() - started).toBeLessThan(5_000);
    },
  );

  it('caps plain bodies, and refuses a too-large Content-Length before reading', async () => {
    const crawler = ctx.crawler();
    const plain = await crawler.crawl(site.url('/large?bytes=3000000'), { maxBytes: 1_000_000 });
    expect(plain.error?.code).toBe('too_large');
    const declared = await crawler.crawl(site.url('/declared-large'), { maxBytes: 1_000_000 });
    expect(declared.error?.code).toBe('too_large');
  });

  it('times out a connection that is never set up (a TLS handshake that never answers)', async () => {
    // Accepts TCP and then says nothing: the connect phase (TCP + TLS) never completes.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const crawler = ctx.crawler({
        timeouts: { connectMs: 300, headersMs: 10_000, totalMs: 10_000 },
      });
      const result = await crawler.crawl(`https://127.0.0.1:${port}/page`, {
        respectRobots: false,
      });
      expect(result.error).toMatchObject({
        code: 'timeout',
        retryClass: 'timed-out',
        message: 'Timed out after 300 ms (connect)',
      });
      expect(sockets.length).toBeGreaterThan(0);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('times out waiting for headers', async () => {
    const crawler = ctx.crawler({ timeouts: { headersMs: 300 } });
    const started = Date.now();
    const result = await crawler.crawl(site.url('/slow-headers?ms=5000'));
    expect(result.error).toMatchObject({ code: 'timeout', retryClass: 'timed-out' });
    expect(result.error?.message).toContain('headers');
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('stops a never-ending body at the total timeout', async () => {
    const started = Date.now();
    const result = await ctx.crawler().crawl(site.url('/slow-body?ms=50'), { timeoutMs: 500 });
    expect(result.error).toMatchObject({ code: 'timeout', retryClass: 'timed-out' });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('stops a request that never answers at the total timeout', async () => {
    const result = await ctx.crawler().crawl(site.url('/never'), { timeoutMs: 400 });
    expect(result.error).toMatchObject({ code: 'timeout', retryClass: 'timed-out' });
  });

  it('stops at once when the caller aborts, and reports a cancellation', async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 200);
    const result = await ctx
      .crawler()
      .crawl(site.url('/slow-body?ms=50'), { timeoutMs: 20_000 }, controller.signal);
    expect(result.error).toMatchObject({ code: 'cancelled', retryClass: 'cancelled' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('treats an aborted AbortSignal.timeout() of the caller as a timeout', async () => {
    const result = await ctx
      .crawler()
      .crawl(site.url('/never'), { timeoutMs: 20_000 }, AbortSignal.timeout(300));
    expect(result.error).toMatchObject({ retryClass: 'timed-out' });
  });

  it('does nothing for an already aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await ctx.crawler().crawl(site.url('/article'), {}, controller.signal);
    expect(result.error?.retryClass).toBe('cancelled');
    expect(site.requests).toHaveLength(0);
  });

  it('reports a refused connection as a retryable network error, without the socket text', async () => {
    const closed = await startFixtureSite();
    const url = closed.url('/article');
    await closed.close();
    const result = await ctx.crawler().crawl(url, { respectRobots: false });
    expect(result.error).toMatchObject({
      code: 'connect',
      retryClass: 'retryable',
      message: 'Network error: the connection was refused',
    });
    // Node's own text is `connect ECONNREFUSED 127.0.0.1:<port>`.
    expect(result.error?.message).not.toMatch(/127\.0\.0\.1|ECONNREFUSED/);
    expect(ipAddressesIn(result.error?.message ?? '')).toEqual([]);
  });

  it('reports a refused robots.txt fetch as the refused connection of the page, not as a robots block', async () => {
    const closed = await startFixtureSite();
    const url = closed.url('/article');
    await closed.close();
    const result = await ctx.crawler().crawl(url);
    expect(result.error).toEqual({
      code: 'connect',
      retryClass: 'retryable',
      message: 'Network error: the connection was refused',
      retryAfterMs: null,
    });
    // Remembered like any robots.txt outcome: the next URL of the host fails the same way.
    expect((await ctx.crawler().crawl(closed.url('/other'))).error?.code).toBe('connect');
  });

  it('reports an offline crawl (robots.txt host does not resolve) as a DNS failure of the page', async () => {
    const crawler = ctx.crawler({
      lookup: async (hostname) => {
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      },
    });
    const result = await crawler.crawl('http://offline-robots.example/page');
    expect(result).toMatchObject({ finalUrl: null, status: null, document: null });
    expect(result.error).toEqual({
      code: 'dns',
      retryClass: 'retryable',
      message: 'Network error: the host name could not be resolved',
      retryAfterMs: null,
    });
  });

  it('reports a host name that does not resolve, without the resolver text', async () => {
    const crawler = ctx.crawler({
      lookup: async (hostname) => {
        throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname} via 10.0.0.53`), {
          code: 'ENOTFOUND',
        });
      },
    });
    const result = await crawler.crawl('http://no-such-host.example/', { respectRobots: false });
    expect(result.error).toMatchObject({
      code: 'dns',
      retryClass: 'retryable',
      message: 'Network error: the host name could not be resolved',
    });
    const empty = await ctx
      .crawler({ lookup: async () => [] })
      .crawl('http://no-address.example/', { respectRobots: false });
    expect(empty.error?.message).toBe('Network error: the host name could not be resolved');
  });

  it('reports a failed TLS handshake (https to a plain HTTP server), without the OpenSSL text', async () => {
    const result = await ctx
      .crawler()
      .crawl(site.url('/article').replace(/^http:/, 'https:'), { respectRobots: false });
    expect(result.error).toMatchObject({
      code: 'tls',
      retryClass: 'retryable',
      message: 'Network error: the TLS handshake failed',
    });
  });

  it('refuses a redirect whose Location does not parse as a redirect without a usable Location', async () => {
    const result = await ctx
      .crawler()
      .crawl(site.url(`/redirect-to?location=${encodeURIComponent('http://[::1')}`));
    expect(result.error).toMatchObject({
      code: 'too_many_redirects',
      retryClass: 'non-retryable',
      message: 'HTTP 302 redirect without a usable Location header',
    });
  });

  it('classifies HTTP errors: 404 fails, 500 retries', async () => {
    const crawler = ctx.crawler();
    const missing = await crawler.crawl(site.url('/status?code=404'));
    expect(missing).toMatchObject({
      status: 404,
      error: { code: 'http_status', retryClass: 'non-retryable' },
    });
    const broken = await crawler.crawl(site.url('/status?code=500'));
    expect(broken).toMatchObject({
      status: 500,
      error: { code: 'http_status', retryClass: 'retryable' },
    });
  });
});
