import { CheerioCrawler, Configuration, log } from '@crawlee/cheerio';
import { peakRssMiB, readSettings, report } from './bench.util';

/** Crawls the same articles with Crawlee's CheerioCrawler, extracting title, text and links with cheerio. */
async function main(): Promise<void> {
  const settings = readSettings();
  log.setLevel(log.LEVELS.ERROR);
  let words = 0;
  let links = 0;
  let failed = 0;
  const kept: Array<{ title: string; words: number; links: number }> = [];
  const crawler = new CheerioCrawler(
    {
      // Same concurrency as our crawler; all pages are on one host, so this is also the per-host limit.
      minConcurrency: settings.concurrency,
      maxConcurrency: settings.concurrency,
      maxRequestRetries: 0,
      requestHandler: async ({ $, request }) => {
        const title = $('title').text().trim();
        const text = $('body').text().replace(/\s+/g, ' ').trim();
        const found = new Set<string>();
        $('a[href]').each((_, element) => {
          try {
            const url = new URL($(element).attr('href') ?? '', request.loadedUrl ?? request.url);
            if (url.protocol === 'http:' || url.protocol === 'https:') {
              url.hash = '';
              found.add(url.href);
            }
          } catch {
            // skip unparsable links
          }
        });
        const count = text === '' ? 0 : text.split(' ').length;
        words += count;
        links += found.size;
        kept.push({ title, words: count, links: found.size });
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
    name: 'Crawlee CheerioCrawler',
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
