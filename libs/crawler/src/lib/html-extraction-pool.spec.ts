import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { BUILT_HTML_WORKER } from '../test/crawler-e2e.spec-helper';
import { CrawlCancelledError } from './errors/crawl-cancelled.error';
import { CrawlTimeoutError } from './errors/crawl-timeout.error';
import { ExtractionError } from './errors/extraction.error';
import { HtmlExtractionPool } from './html-extraction-pool';
import { PAGE_STARTED } from './html-extraction.protocol';
import type { HtmlExtractionInput } from './html-extractor.util';

const page = (n: number): HtmlExtractionInput => ({
  html: `<!DOCTYPE html><html lang="en"><head><title>Page ${n}</title></head><body><nav><a href="/">Home</a></nav><article><h1>Story ${n}</h1>${'<p>Plenty of readable words in a paragraph of the story, enough for the reader view to keep it. </p>'.repeat(8)}<a href="/next/${n}#top">next</a></article></body></html>`,
  url: `http://site.test/stories/${n}`,
  contentType: 'text/html',
  outputFormat: 'document',
});
const live = () => new AbortController().signal;

describe('HtmlExtractionPool', () => {
  const pools: HtmlExtractionPool[] = [];
  const pool = (...args: ConstructorParameters<typeof HtmlExtractionPool>) => {
    const created = new HtmlExtractionPool(...args);
    pools.push(created);
    return created;
  };
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.close()));
  });

  it('uses the built worker script', () => {
    expect(existsSync(BUILT_HTML_WORKER)).toBe(true);
    expect(pool(BUILT_HTML_WORKER, 2).threaded).toBe(true);
    expect(pool(BUILT_HTML_WORKER, 0).threaded).toBe(false);
    expect(pool(null, 2).threaded).toBe(false);
  });

  it('gives exactly what in-line extraction gives, for many pages in flight across threads', async () => {
    const inputs = Array.from({ length: 40 }, (_, n) => page(n));
    const threads = pool(BUILT_HTML_WORKER, 2);
    const inlinePool = pool(null);
    const threaded = await Promise.all(inputs.map((input) => threads.extract(input, live())));
    const inline = await Promise.all(inputs.map((input) => inlinePool.extract(input, live())));
    expect(threaded).toEqual(inline);
    expect(threaded[7]).toMatchObject({
      title: 'Page 7',
      links: ['http://site.test/', 'http://site.test/next/7'],
    });
    expect(threaded[7].text).toContain('Plenty of readable words');
  });

  type Internals = { threads: { worker: Worker; tasks: Map<number, { state: Int32Array }> }[] };
  const workerOf = (threads: HtmlExtractionPool): Worker =>
    (threads as unknown as Internals).threads[0].worker;
  /** Resolves once the (only) thread has begun parsing the first page it holds. */
  const parsingStarted = async (threads: HtmlExtractionPool): Promise<void> => {
    const [first] = (threads as unknown as Internals).threads[0].tasks.values();
    while (Atomics.load(first.state, 0) !== PAGE_STARTED)
      await new Promise((resolve) => setTimeout(resolve, 1));
  };
  /** A page that takes a thread a good while to parse. */
  const bigPage = (n: number): HtmlExtractionInput => {
    const big = page(n);
    big.html = big.html.replace(
      '</article>',
      '<p>more words to parse</p>'.repeat(20000) + '</article>',
    );
    return big;
  };

  it('stops the thread parsing an aborted page, answers at once with the abort reason, and goes on with a fresh thread', async () => {
    const threads = pool(BUILT_HTML_WORKER, 1);
    await threads.extract(page(1), live()); // the thread exists
    const parsing = workerOf(threads);
    const stopped = once(parsing, 'exit');
    const controller = new AbortController();
    const aborted = threads.extract(bigPage(2), controller.signal);
    const next = threads.extract(page(3), live()); // waits for the thread
    await parsingStarted(threads);
    controller.abort(new CrawlCancelledError());
    await expect(aborted).rejects.toBeInstanceOf(CrawlCancelledError);
    await stopped; // the parse was stopped, not left to finish
    await expect(next).resolves.toMatchObject({ title: 'Page 3' });
    expect(workerOf(threads)).not.toBe(parsing);
  });

  it('drops aborted pages that have not started, without disturbing the page being parsed', async () => {
    const threads = pool(BUILT_HTML_WORKER, 1);
    const parsed = threads.extract(bigPage(1), live());
    const parsing = workerOf(threads);
    const controller = new AbortController();
    const handedToThread = threads.extract(page(2), controller.signal);
    const stillInPool = threads.extract(page(3), controller.signal);
    const after = threads.extract(page(4), live());
    controller.abort(new CrawlTimeoutError('total', 5));
    await expect(handedToThread).rejects.toBeInstanceOf(CrawlTimeoutError);
    await expect(stillInPool).rejects.toBeInstanceOf(CrawlTimeoutError);
    await expect(parsed).resolves.toMatchObject({ title: 'Page 1' });
    await expect(after).resolves.toMatchObject({ title: 'Page 4' });
    expect(workerOf(threads)).toBe(parsing);
  });

  it('fails the pages in flight and waiting when it closes', async () => {
    const threads = pool(BUILT_HTML_WORKER, 1);
    const parsing = threads.extract(bigPage(1), live());
    const waiting = threads.extract(page(2), live());
    await Promise.all([
      expect(parsing).rejects.toBeInstanceOf(ExtractionError),
      expect(waiting).rejects.toBeInstanceOf(ExtractionError),
      threads.close(),
    ]);
    await expect(threads.extract(page(3), live())).rejects.toThrow(
      'Content extraction failed: the extraction threads are closed (the crawler is shutting down)',
    );
  });

  it('fails the page a dying thread was parsing with an extraction error, and hands its other page to a new thread', async () => {
    const threads = pool(BUILT_HTML_WORKER, 1);
    await threads.extract(page(1), live()); // the thread exists
    // A big page, so the thread is still parsing it when it is killed from outside, as a crash would.
    const inFlight = threads.extract(bigPage(2), live());
    const behind = threads.extract(page(3), live()); // handed to the same thread, not started
    await parsingStarted(threads);
    const dying = workerOf(threads);
    await dying.terminate();
    await expect(inFlight).rejects.toBeInstanceOf(ExtractionError);
    // A fixed text, not the worker's own (`exit code 1`, a crash message).
    await expect(inFlight).rejects.toThrow(
      'Content extraction failed: the extraction thread stopped unexpectedly',
    );
    await expect(behind).resolves.toMatchObject({ title: 'Page 3' });
    expect(workerOf(threads)).not.toBe(dying);
  });

  it('runs its threads under heap limits', async () => {
    const threads = pool(BUILT_HTML_WORKER, 1, {
      heap: { oldGenerationMb: 96, youngGenerationMb: 4 },
    });
    await threads.extract(page(1), live());
    expect(workerOf(threads).resourceLimits).toMatchObject({
      maxOldGenerationSizeMb: 96,
      maxYoungGenerationSizeMb: 4,
    });
  });

  it('parses a page above largePageChars in a thread of its own, sized for it, while small pages go on', async () => {
    const threads = pool(BUILT_HTML_WORKER, 1, { largePageChars: 50_000 });
    const large: HtmlExtractionInput = {
      ...page(2),
      html: page(2).html.replace(
        '<article>',
        `<article>${'<p>A long page of many words. </p>'.repeat(4000)}`,
      ),
    };
    expect(large.html.length).toBeGreaterThan(50_000);
    const [big, small] = await Promise.all([
      threads.extract(large, live()),
      threads.extract(page(3), live()),
    ]);
    expect(big.wordCount).toBeGreaterThan(4000 * 6);
    expect(small.title).toBe('Page 3');
    // The pool's own thread parsed only the small page; the large one's thread is gone.
    expect((threads as unknown as Internals).threads).toHaveLength(1);
  });

  it("fails a page too big for its thread's heap alone, and goes on", async () => {
    // A 16 MiB heap cannot hold 3 MiB of HTML parsed: the thread dies and the page fails; the next page gets a new thread.
    const threads = pool(BUILT_HTML_WORKER, 1, {
      heap: { oldGenerationMb: 16, youngGenerationMb: 2 },
      largePageChars: Infinity,
    });
    const large: HtmlExtractionInput = {
      ...page(4),
      html: page(4).html.replace(
        '<article>',
        `<article>${'<p>Words that fill the heap. </p>'.repeat(100_000)}`,
      ),
    };
    await expect(threads.extract(large, live())).rejects.toMatchObject({
      failure: 'thread_failed',
    });
    await expect(threads.extract(page(5), live())).resolves.toMatchObject({ title: 'Page 5' });
  });

  it('answers an abort at once for a large page waiting its turn', async () => {
    const threads = pool(BUILT_HTML_WORKER, 1, { largePageChars: 50_000 });
    const large = (n: number): HtmlExtractionInput => ({
      ...page(n),
      html: page(n).html.replace(
        '<article>',
        `<article>${'<p>Many words here. </p>'.repeat(20000)}`,
      ),
    });
    const first = threads.extract(large(5), live());
    const controller = new AbortController();
    const second = threads.extract(large(6), controller.signal);
    controller.abort();
    await expect(second).rejects.toBeInstanceOf(CrawlCancelledError);
    await expect(first).resolves.toMatchObject({ title: 'Page 5' });
  });

  it('loads no HTML parser, Readability or turndown on the calling thread when it extracts on threads', () => {
    // A process of its own, from the built library, so that the modules it loaded can be listed.
    const lib = (file: string) => JSON.stringify(join(dirname(BUILT_HTML_WORKER), file));
    const script = `
      const { Crawler } = require(${lib('../index.js')});
      const { HtmlExtractionPool } = require(${lib('html-extraction-pool.js')});
      const pool = new HtmlExtractionPool(${JSON.stringify(BUILT_HTML_WORKER)}, 1);
      const input = ${JSON.stringify({ ...page(1), outputFormat: 'markdown' })};
      pool.extract(input, new AbortController().signal).then(async (doc) => {
        const loaded = Object.keys(require.cache).filter((path) => /linkedom|readability|turndown/.test(path));
        console.log(JSON.stringify({ crawler: typeof Crawler, markdown: doc.markdown !== null, loaded }));
        await pool.close();
      });`;
    const output = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual({ crawler: 'function', markdown: true, loaded: [] });
  });
});
