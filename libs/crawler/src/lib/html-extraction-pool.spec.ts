import { existsSync } from 'node:fs';
import { BUILT_HTML_WORKER } from '../test/crawler-e2e.spec-helper';
import { CrawlCancelledError } from './errors/crawl-cancelled.error';
import { ExtractionError } from './errors/extraction.error';
import { HtmlExtractionPool } from './html-extraction-pool';
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
    const threaded = await Promise.all(inputs.map((input) => pool(BUILT_HTML_WORKER, 2).extract(input, live())));
    const inline = await Promise.all(inputs.map((input) => pool(null).extract(input, live())));
    expect(threaded).toEqual(inline);
    expect(threaded[7]).toMatchObject({ title: 'Page 7', links: ['http://site.test/', 'http://site.test/next/7'] });
    expect(threaded[7].text).toContain('Plenty of readable words');
  });

  it('answers an abort at once with the abort reason', async () => {
    const threads = pool(BUILT_HTML_WORKER, 1);
    const controller = new AbortController();
    const pending = threads.extract(page(1), controller.signal);
    controller.abort(new CrawlCancelledError());
    await expect(pending).rejects.toBeInstanceOf(CrawlCancelledError);
    // The thread is still good for the next page.
    await expect(threads.extract(page(2), live())).resolves.toMatchObject({ title: 'Page 2' });
  });

  it('fails the pages of a thread that dies with an extraction error, then starts a new thread', async () => {
    const threads = pool(BUILT_HTML_WORKER, 1);
    await threads.extract(page(1), live()); // the thread exists
    // A big page, so the thread is still parsing it when it is killed from outside, as a crash would.
    const big = page(2);
    big.html = big.html.replace('</article>', '<p>more words to parse</p>'.repeat(20000) + '</article>');
    const inFlight = threads.extract(big, live());
    const worker = (threads as unknown as { threads: { worker: { terminate(): Promise<number> } }[] }).threads[0].worker;
    await worker.terminate();
    await expect(inFlight).rejects.toBeInstanceOf(ExtractionError);
    await expect(threads.extract(page(3), live())).resolves.toMatchObject({ title: 'Page 3' });
  });
});
