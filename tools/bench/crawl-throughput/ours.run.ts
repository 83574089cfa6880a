import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Crawler } from '@riptide/crawler';
import { peakRssMiB, readSettings, report } from './bench.util';

// The benchmark runs from TypeScript sources; extraction threads need the built worker script.
const WORKER_SCRIPT = join(
  __dirname,
  '../../../dist/libs/crawler/src/lib/html-extraction.worker.js',
);

/** Crawls the articles with our Crawler: robots.txt, politeness and page cache on Redis as in production. */
async function main(): Promise<void> {
  const settings = readSettings();
  if (!existsSync(WORKER_SCRIPT))
    throw new Error(`${WORKER_SCRIPT} is missing: run \`npx nx build crawler\` first`);
  const redis = new Redis(settings.redisUrl);
  const crawler = new Crawler({
    redis,
    keyPrefix: `bench:${Date.now()}:`,
    allowPrivateNetworks: true,
    hostConcurrency: settings.concurrency,
    htmlWorkerScript: WORKER_SCRIPT,
    extractionThreads: process.env['BENCH_EXTRACTION_THREADS']
      ? Number(process.env['BENCH_EXTRACTION_THREADS'])
      : undefined,
  });
  const urls = Array.from(
    { length: settings.count },
    (_, i) => `${settings.baseUrl}/articles/${i}`,
  );
  let next = 0;
  let failed = 0;
  let words = 0;
  let links = 0;
  const kept: Array<{ title: string | null; words: number; links: number }> = [];
  const started = performance.now();
  const worker = async () => {
    while (next < urls.length) {
      const url = urls[next];
      next += 1;
      // Title, main text and links; markdown is not asked for (the Crawlee side makes none either).
      const result = await crawler.crawl(url, { outputFormat: 'text', cacheMode: 'bypass' });
      if (!result.document) {
        failed += 1;
        continue;
      }
      words += result.document.wordCount;
      links += result.document.links.length;
      kept.push({
        title: result.document.title,
        words: result.document.wordCount,
        links: result.document.links.length,
      });
    }
  };
  await Promise.all(Array.from({ length: settings.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  report({
    name: 'riptide Crawler',
    pages: kept.length,
    failed,
    seconds,
    pagesPerSecond: kept.length / seconds,
    peakRssMiB: peakRssMiB(),
    words,
    links,
  });
  await crawler.close();
  redis.disconnect();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
