// eslint-disable-next-line @nx/enforce-module-boundaries -- test-only use of the shared fixture site
import { FixtureSite, startFixtureSite } from '@riptide/testing';
import Redis from 'ioredis';
import { Crawler } from './crawler.service';
import { createE2eContext, E2eContext } from '../test/crawler-e2e.spec-helper';

describe('page cache (cache_mode)', () => {
  let site: FixtureSite;
  let ctx: E2eContext;
  const fetches = () => site.requestsTo('/article').length;

  beforeAll(async () => {
    site = await startFixtureSite();
  });
  afterAll(() => site.close());
  beforeEach(() => {
    ctx = createE2eContext();
    site.reset();
  });
  afterEach(() => ctx.cleanup());

  it('read_through serves a fresh cached page, fetching once', async () => {
    const crawler = ctx.crawler();
    const first = await crawler.crawl(site.url('/article'));
    const second = await ctx.crawler().crawl(site.url('/article#section'));
    expect(first.fromCache).toBe(false);
    expect(second.fromCache).toBe(true);
    expect(second.document).toEqual(first.document);
    expect(second.finalUrl).toBe(first.finalUrl);
    expect(second.status).toBe(200);
    expect(fetches()).toBe(1);
  });

  it('bypass neither reads nor writes', async () => {
    const crawler = ctx.crawler();
    await crawler.crawl(site.url('/article'), { cacheMode: 'bypass' });
    expect(
      (await crawler.crawl(site.url('/article'), { cacheMode: 'cache_only' })).error?.code,
    ).toBe('cache_miss');
    await crawler.crawl(site.url('/article'));
    const bypassed = await crawler.crawl(site.url('/article'), { cacheMode: 'bypass' });
    expect(bypassed.fromCache).toBe(false);
    expect(fetches()).toBe(3);
  });

  it('refresh fetches and overwrites', async () => {
    const crawler = ctx.crawler();
    await crawler.crawl(site.url('/article'));
    const refreshed = await crawler.crawl(site.url('/article'), { cacheMode: 'refresh' });
    expect(refreshed.fromCache).toBe(false);
    expect(fetches()).toBe(2);
    expect((await crawler.crawl(site.url('/article'))).fromCache).toBe(true);
  });

  it('cache_only never fetches: a miss is a non-retryable outcome', async () => {
    const crawler = ctx.crawler();
    const miss = await crawler.crawl(site.url('/article'), { cacheMode: 'cache_only' });
    expect(miss).toMatchObject({
      fromCache: false,
      document: null,
      error: { code: 'cache_miss', retryClass: 'non-retryable' },
    });
    expect(site.requests).toHaveLength(0);
    await crawler.crawl(site.url('/article'));
    const hit = await crawler.crawl(site.url('/article'), { cacheMode: 'cache_only' });
    expect(hit.fromCache).toBe(true);
  });

  it('keeps output formats apart and never caches failures', async () => {
    const crawler = ctx.crawler();
    await crawler.crawl(site.url('/article'), { outputFormat: 'text' });
    const markdown = await crawler.crawl(site.url('/article'), { outputFormat: 'markdown' });
    expect(markdown.fromCache).toBe(false);
    expect(markdown.document?.markdown).toContain('## The great storm');
    await crawler.crawl(site.url('/status?code=500'));
    expect((await crawler.crawl(site.url('/status?code=500'))).fromCache).toBe(false);
  });

  it('expires entries after the TTL and keys them by hash', async () => {
    const crawler = ctx.crawler({ cacheTtlSecs: 1 });
    await crawler.crawl(site.url('/article'));
    const keys = await ctx.redis.keys(`${ctx.keyPrefix}page:*`);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/page:[0-9a-f]{32}$/);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect((await crawler.crawl(site.url('/article'))).fromCache).toBe(false);
  });
});

describe('an unreachable Redis', () => {
  it('fails a crawl as a retryable store error that does not name the Redis address', async () => {
    // Nothing listens on port 1: every command fails with `connect ECONNREFUSED 127.0.0.1:1`.
    const redis = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    redis.on('error', () => undefined); // the refusal is expected; it is the crawl's answer that matters
    const crawler = new Crawler({ redis, extractionThreads: 0 });
    try {
      const result = await crawler.crawl('http://example.com/');
      expect(result.error).toMatchObject({
        code: 'store_unavailable',
        retryClass: 'retryable',
        message: 'Redis is unavailable: the connection to Redis failed',
      });
    } finally {
      await crawler.close();
      redis.disconnect();
    }
  });
});
