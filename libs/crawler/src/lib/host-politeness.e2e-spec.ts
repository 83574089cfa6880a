// eslint-disable-next-line @nx/enforce-module-boundaries -- test-only use of the shared fixture site
import { FixtureSite, startFixtureSite } from '@riptide/testing';
import { createE2eContext, E2eContext } from '../test/crawler-e2e.spec-helper';
import { HostPoliteness } from './host-politeness.service';

describe('per-host politeness shared through Redis', () => {
  let site: FixtureSite;
  let ctx: E2eContext;

  beforeAll(async () => {
    site = await startFixtureSite();
  });
  afterAll(() => site.close());
  beforeEach(() => {
    ctx = createE2eContext();
    site.reset();
  });
  afterEach(() => ctx.cleanup());

  it('caps requests in flight per host across two crawler instances (two processes)', async () => {
    const a = ctx.crawler({ hostConcurrency: 2 });
    const b = ctx.crawler({ hostConcurrency: 2 });
    const urls = Array.from({ length: 8 }, (_, i) => site.url(`/hold?ms=150&id=${i}`));
    const results = await Promise.all(
      urls.map((url, i) => (i % 2 ? a : b).crawl(url, { cacheMode: 'bypass' })),
    );
    expect(results.every((r) => r.error === null)).toBe(true);
    expect(site.maxConcurrentHolds).toBe(2);
  });

  it('spaces request starts on a host by the minimum gap across instances', async () => {
    const a = ctx.crawler({ hostMinGapMs: 250 });
    const b = ctx.crawler({ hostMinGapMs: 250 });
    await Promise.all(
      [0, 1, 2, 3].map((i) =>
        (i % 2 ? a : b).crawl(site.url(`/articles/${i}`), { respectRobots: false }),
      ),
    );
    const starts = site.requests.map((r) => r.at).sort((x, y) => x - y);
    expect(starts).toHaveLength(4);
    // Arrival times at the server jitter by a few ms around the 250 ms starts Redis enforces.
    for (let i = 1; i < starts.length; i += 1)
      expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(200);
  });

  it('frees the slot of a crashed holder when its lease expires', async () => {
    const politeness = new HostPoliteness({
      redis: ctx.redis,
      keyPrefix: ctx.keyPrefix,
      concurrency: 1,
      minGapMs: 0,
    });
    const signal = new AbortController().signal;
    // Taken and never released, as by a process that died mid-request.
    await politeness.acquire('crashed.example', { leaseMs: 300, signal });
    const started = Date.now();
    const lease = await politeness.acquire('crashed.example', { leaseMs: 300, signal });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    await lease.release();
  });

  it('gives up waiting for a slot when the caller aborts', async () => {
    const politeness = new HostPoliteness({
      redis: ctx.redis,
      keyPrefix: ctx.keyPrefix,
      concurrency: 1,
      minGapMs: 0,
    });
    await politeness.acquire('busy.example', {
      leaseMs: 10_000,
      signal: new AbortController().signal,
    });
    await expect(
      politeness.acquire('busy.example', { leaseMs: 10_000, signal: AbortSignal.timeout(200) }),
    ).rejects.toMatchObject({ retryClass: 'timed-out' });
  });

  it('keys hosts by hash, never by the client-supplied name', async () => {
    await ctx.crawler().crawl(site.url('/article'));
    const keys = await ctx.redis.keys(`${ctx.keyPrefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).not.toMatch(/127\.0\.0\.1|article/);
  });

  describe('Retry-After', () => {
    it('waits out a 429 Retry-After and retries the URL instead of failing', async () => {
      const result = await ctx.crawler().crawl(site.url('/retry-once?status=429&retry-after=1'));
      expect(result.error).toBeNull();
      expect(result.status).toBe(200);
      const [first, second] = site.requestsTo('/retry-once');
      expect(second.at - first.at).toBeGreaterThanOrEqual(900);
    });

    it('also for 503, and delays the host for every other crawler', async () => {
      const a = ctx.crawler();
      const b = ctx.crawler();
      const retried = a.crawl(site.url('/retry-once?status=503&retry-after=1'));
      await new Promise((resolve) => setTimeout(resolve, 150));
      const other = await b.crawl(site.url('/article'));
      expect(other.error).toBeNull();
      expect((await retried).error).toBeNull();
      const refused = site.requestsTo('/retry-once')[0].at;
      expect(site.requestsTo('/article')[0].at - refused).toBeGreaterThanOrEqual(900);
    });

    it('hands the URL back as retryable when the wait is longer than the crawl may wait', async () => {
      const result = await ctx
        .crawler({ retryAfterMaxWaitMs: 2_000 })
        .crawl(site.url('/status?code=429&retry-after=120'));
      expect(result.error).toMatchObject({
        code: 'http_status',
        retryClass: 'retryable',
        retryAfterMs: 120_000,
      });
      expect(result.status).toBe(429);
    });

    it('fails a 503 without Retry-After as retryable at once', async () => {
      const result = await ctx.crawler().crawl(site.url('/status?code=503'));
      expect(result.error).toMatchObject({
        code: 'http_status',
        retryClass: 'retryable',
        retryAfterMs: null,
      });
      expect(site.requestsTo('/status')).toHaveLength(1);
    });
  });
});
