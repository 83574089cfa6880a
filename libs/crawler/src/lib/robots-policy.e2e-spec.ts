// eslint-disable-next-line @nx/enforce-module-boundaries -- test-only use of the shared fixture site
import { FixtureSite, startFixtureSite } from '@riptide/testing';
import { keyHash } from './redis-script.util';
import { createE2eContext, E2eContext } from '../test/crawler-e2e.spec-helper';

describe('robots.txt', () => {
  let site: FixtureSite;
  let ctx: E2eContext;

  beforeAll(async () => {
    site = await startFixtureSite();
  });
  afterAll(() => site.close());
  beforeEach(() => {
    ctx = createE2eContext();
    site.reset();
    site.setRobots(null);
  });
  afterEach(() => ctx.cleanup());

  it('blocks disallowed URLs (never retried) and allows the rest', async () => {
    site.setRobots('User-agent: *\nDisallow: /private\nAllow: /private/open\n');
    const crawler = ctx.crawler();
    const blocked = await crawler.crawl(site.url('/private/page'));
    expect(blocked.error).toMatchObject({ code: 'robots_disallowed', retryClass: 'non-retryable' });
    expect(blocked.error?.message).toBe('Blocked by robots.txt');
    expect(site.requestsTo('/private/page')).toHaveLength(0);
    const open = await crawler.crawl(site.url('/private/open'));
    expect(open.error?.code).toBe('http_status'); // allowed, fetched: the fixture has no such page
    expect((await crawler.crawl(site.url('/article'))).error).toBeNull();
  });

  it('applies the group of our User-Agent product token', async () => {
    site.setRobots(
      'User-agent: RipTideWorkers\nDisallow: /article\n\nUser-agent: *\nDisallow: /\n',
    );
    const crawler = ctx.crawler();
    expect((await crawler.crawl(site.url('/article'))).error?.code).toBe('robots_disallowed');
    expect((await crawler.crawl(site.url('/plain.txt'))).error).toBeNull();
  });

  it('allows everything when robots.txt is missing (4xx)', async () => {
    site.setRobots({ status: 403, body: 'forbidden' });
    expect((await ctx.crawler().crawl(site.url('/article'))).error).toBeNull();
  });

  it('disallows everything when robots.txt answers 5xx, without fetching the page', async () => {
    site.setRobots({ status: 503 });
    const result = await ctx.crawler().crawl(site.url('/article'));
    expect(result.error).toMatchObject({ code: 'robots_unavailable', retryClass: 'retryable' });
    expect(result.error?.message).toMatch(/^Blocked by robots.txt/);
    expect(site.requestsTo('/article')).toHaveLength(0);
  });

  it('says which status made robots.txt unavailable', async () => {
    site.setRobots({ status: 503 });
    const result = await ctx.crawler().crawl(site.url('/article'));
    expect(result.error?.message).toBe(
      'Blocked by robots.txt: it could not be fetched (HTTP 503), so the whole site is treated as disallowed',
    );
  });

  it('never shows the raw text an earlier version cached for an unavailable robots.txt', async () => {
    const origin = new URL(site.url('/')).origin;
    await ctx.redis.set(
      `${ctx.keyPrefix}robots:${keyHash(origin)}`,
      JSON.stringify({ kind: 'unavailable', detail: 'connect ECONNREFUSED 10.0.0.5:80' }),
      'EX',
      60,
    );
    const result = await ctx.crawler().crawl(site.url('/article'));
    expect(result.error).toMatchObject({
      code: 'robots_unavailable',
      retryClass: 'retryable',
      message:
        'Blocked by robots.txt: it could not be fetched (the request failed), so the whole site is treated as disallowed',
    });
  });

  it('treats a rate-limited robots.txt (429) as unreachable, not as missing', async () => {
    site.setRobots({ status: 429 });
    const result = await ctx.crawler().crawl(site.url('/article'));
    expect(result.error).toMatchObject({ code: 'robots_unavailable', retryClass: 'retryable' });
    expect(site.requestsTo('/article')).toHaveLength(0);
  });

  it('disallows everything when robots.txt is unreachable', async () => {
    site.route('/robots.txt', () => undefined); // never answers
    const crawler = ctx.crawler({ timeouts: { headersMs: 300 } });
    const result = await crawler.crawl(site.url('/article'));
    expect(result.error?.code).toBe('robots_unavailable');
    expect(result.error?.message).toBe(
      'Blocked by robots.txt: it could not be fetched (Timed out after 300 ms (headers)), so the whole site is treated as disallowed',
    );
    expect(site.requestsTo('/article')).toHaveLength(0);
  }, 20_000);

  it('caches robots.txt in Redis for every process, within 24 h', async () => {
    site.setRobots('User-agent: *\nDisallow: /private\n');
    await ctx.crawler().crawl(site.url('/article'));
    // A second crawler (another process) reads the cached rules instead of fetching again.
    site.setRobots('User-agent: *\nDisallow: /\n');
    const other = ctx.crawler();
    expect((await other.crawl(site.url('/article'), { cacheMode: 'bypass' })).error).toBeNull();
    expect((await other.crawl(site.url('/private/x'))).error?.code).toBe('robots_disallowed');
    expect(site.requestsTo('/robots.txt')).toHaveLength(1);
    const keys = await ctx.redis.keys(`${ctx.keyPrefix}robots:*`);
    expect(keys).toHaveLength(1);
    const ttl = await ctx.redis.ttl(keys[0]);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(24 * 60 * 60);
    expect(keys[0]).not.toContain('127.0.0.1');
  });

  it('fetches robots.txt once for concurrent URLs of one site', async () => {
    const crawler = ctx.crawler();
    await Promise.all([1, 2, 3, 4].map((n) => crawler.crawl(site.url(`/articles/${n}`))));
    expect(site.requestsTo('/robots.txt')).toHaveLength(1);
  });

  it('is skipped when respectRobots is false', async () => {
    site.setRobots('User-agent: *\nDisallow: /\n');
    const result = await ctx.crawler().crawl(site.url('/article'), { respectRobots: false });
    expect(result.error).toBeNull();
    expect(site.requestsTo('/robots.txt')).toHaveLength(0);
  });

  it('honours Crawl-delay between requests to the host', async () => {
    site.setRobots('User-agent: *\nCrawl-delay: 0.4\n');
    const crawler = ctx.crawler();
    for (const n of [1, 2, 3]) await crawler.crawl(site.url(`/articles/${n}`));
    const starts = site.requests.filter((r) => r.path.startsWith('/articles/')).map((r) => r.at);
    expect(starts).toHaveLength(3);
    for (let i = 1; i < starts.length; i += 1)
      expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(340);
  });
});
