import { HttpCrawler, Configuration, log } from '@crawlee/http';
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { peakRssMiB, readSettings, report } from './bench.util';

/**
 * Like-for-like control: Crawlee's HttpCrawler (no cheerio parse) with the same main-content
 * extraction as ours (Readability over linkedom), title and links from the same DOM.
 */
async function main(): Promise<void> {
  const settings = readSettings();
  log.setLevel(log.LEVELS.ERROR);
  let words = 0;
  let links = 0;
  let failed = 0;
  const kept: Array<{ title: string; words: number; links: number }> = [];
  const crawler = new HttpCrawler(
    {
      minConcurrency: settings.concurrency,
      maxConcurrency: settings.concurrency,
      maxRequestRetries: 0,
      requestHandler: async ({ body, request }) => {
        const { document } = parseHTML(body.toString());
        const found = new Set<string>();
        for (const a of document.querySelectorAll('a[href]')) {
          try {
            const url = new URL(a.getAttribute('href') ?? '', request.loadedUrl ?? request.url);
            if (url.protocol === 'http:' || url.protocol === 'https:') {
              url.hash = '';
              found.add(url.href);
            }
          } catch {
            // skip unparsable links
          }
        }
        const article = new Readability(document as any, {
          serializer: (node: any) => node,
        }).parse();
        const text = String(article?.textContent ?? '')
          .replace(/\s+/g, ' ')
          .trim();
        const count = text === '' ? 0 : text.split(' ').length;
        words += count;
        links += found.size;
        kept.push({ title: article?.title ?? '', words: count, links: found.size });
      },
      failedRequestHandler: () => {
        failed += 1;
      },
    },
    new Configuration({ persistStorage: false, purgeOnStart: true }),
  );
  const urls = Array.from(
    { length: settings.count },
    (_, i) => `${settings.baseUrl}/articles/${i}`,
  );
  const started = performance.now();
  await crawler.run(urls);
  const seconds = (performance.now() - started) / 1000;
  report({
    name: 'Crawlee Http+Readability',
    pages: kept.length,
    failed,
    seconds,
    pagesPerSecond: kept.length / seconds,
    peakRssMiB: peakRssMiB(),
    words,
    links,
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
