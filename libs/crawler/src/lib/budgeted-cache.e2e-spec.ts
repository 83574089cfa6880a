import { FixtureSite, RedisNodeProcess, startFixtureSite } from '@riptide/testing';
import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { BudgetedCache } from './budgeted-cache.service';
import { Crawler } from './crawler.service';
import { BUILT_HTML_WORKER, createE2eContext, E2eContext } from '../test/crawler-e2e.spec-helper';

const value = (bytes: number, fill = 'x') => fill.repeat(bytes);

describe('BudgetedCache (byte budget in Redis)', () => {
  let ctx: E2eContext;
  let cache: (maxBytes: number) => BudgetedCache;
  const key = (name: string) => `${ctx.keyPrefix}entry:${name}`;

  beforeEach(() => {
    ctx = createE2eContext();
    cache = (maxBytes) =>
      new BudgetedCache({ redis: ctx.redis, bookPrefix: `${ctx.keyPrefix}book:`, maxBytes });
  });
  afterEach(() => ctx.cleanup());

  it('keeps the values within the budget, dropping the oldest entries first', async () => {
    const pages = cache(250);
    for (const name of ['a', 'b', 'c'])
      expect(await pages.set(key(name), value(100, name), 60)).toBe(true);
    expect(await ctx.redis.get(key('a'))).toBeNull();
    expect(await ctx.redis.get(key('b'))).toBe(value(100, 'b'));
    expect(await ctx.redis.get(key('c'))).toBe(value(100, 'c'));
    expect(await pages.usage()).toEqual({ bytes: 200, entries: 2 });
    // One large write makes room by dropping as many of the oldest as it needs.
    expect(await pages.set(key('d'), value(240), 60)).toBe(true);
    expect(await ctx.redis.exists(key('b'), key('c'))).toBe(0);
    expect(await pages.usage()).toEqual({ bytes: 240, entries: 1 });
  });

  it('counts a rewritten entry once and refuses a value larger than the whole budget', async () => {
    const pages = cache(250);
    await pages.set(key('a'), value(100), 60);
    await pages.set(key('a'), value(120), 60);
    expect(await pages.usage()).toEqual({ bytes: 120, entries: 1 });
    expect(await pages.set(key('huge'), value(251), 60)).toBe(false);
    expect(await ctx.redis.exists(key('huge'))).toBe(0);
    expect(await pages.usage()).toEqual({ bytes: 120, entries: 1 });
    expect(await cache(0).set(key('none'), value(1), 60)).toBe(false);
  });

  it('forgets entries that expired by their TTL, so the count does not drift upward', async () => {
    const pages = cache(1000);
    await pages.set(key('a'), value(300), 1);
    await pages.set(key('b'), value(300), 1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await ctx.redis.exists(key('a'), key('b'))).toBe(0);
    await pages.set(key('c'), value(100), 60);
    expect(await pages.usage()).toEqual({ bytes: 100, entries: 1 });
  });

  it('recounts a lost byte count from the entries it knows', async () => {
    const pages = cache(1000);
    await pages.set(key('a'), value(300), 60);
    await ctx.redis.del(`${ctx.keyPrefix}book:bytes`);
    await pages.set(key('b'), value(200), 60);
    expect(await pages.usage()).toEqual({ bytes: 500, entries: 2 });
  });
});

describe('caches in a full Redis (maxmemory, noeviction)', () => {
  let site: FixtureSite;
  let server: RedisNodeProcess;
  let redis: Redis;
  let keyPrefix: string;

  beforeAll(async () => {
    site = await startFixtureSite();
    server = await (
      await RedisNodeProcess.prepare('full-cache')
    ).start(['--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction']);
    redis = new Redis({
      port: server.port,
      host: '127.0.0.1',
      retryStrategy: () => 50,
      maxRetriesPerRequest: null,
    });
    await redis.ping();
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
    await site.close();
  });
  beforeEach(async () => {
    keyPrefix = `rt-full-${randomBytes(4).toString('hex')}:`;
    await redis.config('SET', 'maxmemory', '0');
    await redis.flushall();
  });

  /** Fills Redis with other data (jobs, say) until it refuses writes. */
  async function fillUp(): Promise<void> {
    const used = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))?.[1]);
    await redis.config('SET', 'maxmemory', String(used + 512 * 1024));
    for (let i = 0; ; i++) {
      const refused = await redis.set(`${keyPrefix}junk:${i}`, value(16 * 1024)).then(
        () => false,
        (error: Error) => /^OOM /.test(error.message),
      );
      if (refused) return;
    }
  }

  it('skips the write and gives back as many bytes of its oldest entries', async () => {
    const pages = new BudgetedCache({
      redis,
      bookPrefix: `${keyPrefix}book:`,
      maxBytes: 1024 * 1024,
    });
    for (const name of ['a', 'b', 'c'])
      await pages.set(`${keyPrefix}entry:${name}`, value(20 * 1024, name), 60);
    await fillUp();
    expect(await pages.set(`${keyPrefix}entry:new`, value(30 * 1024), 60)).toBe(false);
    expect(await redis.exists(`${keyPrefix}entry:new`)).toBe(0);
    // 30 KiB asked for: the two oldest (20 KiB each) made way, the newest is still served.
    expect(await redis.exists(`${keyPrefix}entry:a`, `${keyPrefix}entry:b`)).toBe(0);
    expect(await redis.get(`${keyPrefix}entry:c`)).toBe(value(20 * 1024, 'c'));
    expect(await pages.usage()).toEqual({ bytes: 20 * 1024, entries: 1 });
  });

  it('a crawl still succeeds, without caching its page or robots.txt', async () => {
    const crawler = new Crawler({
      redis,
      keyPrefix,
      allowPrivateNetworks: true,
      htmlWorkerScript: BUILT_HTML_WORKER,
    });
    try {
      await fillUp();
      const first = await crawler.crawl(site.url('/article'));
      expect(first.error).toBeNull();
      expect(first.fromCache).toBe(false);
      expect(first.document?.title).toBeTruthy();
      expect(await redis.keys(`${keyPrefix}page:*`)).toEqual([]);
      expect(await redis.keys(`${keyPrefix}robots:*`)).toEqual([]);
      // Once Redis has room again, pages are cached as before.
      await redis.config('SET', 'maxmemory', '0');
      await crawler.crawl(site.url('/article'));
      expect((await crawler.crawl(site.url('/article'))).fromCache).toBe(true);
    } finally {
      await crawler.close();
    }
  });
});
