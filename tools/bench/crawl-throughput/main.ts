import { ChildProcess, fork, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { startFixtureSite } from '../../../libs/testing/src/lib/fixture-site';
import type { RunReport } from './bench.util';

const COUNT = Number(process.env['BENCH_COUNT'] ?? 1000);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 16);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 1);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A throw-away redis-server for our crawler (never the one on 6379). */
async function startRedis(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'riptide-bench-redis-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i += 1) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined); // expected until the server listens
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return { url, child };
    } catch {
      probe.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error('redis-server did not start');
}

function runChild(script: string, env: Record<string, string>): Promise<RunReport> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, script), [], {
      execArgv: ['-r', '@swc-node/register'],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: RunReport | undefined;
    child.on('message', (message) => {
      result = message as RunReport;
    });
    child.on('exit', (code) => (result ? resolve(result) : reject(new Error(`${script} exited with ${code}`))));
  });
}

async function main(): Promise<void> {
  const site = await startFixtureSite({ articleCount: COUNT });
  const redis = await startRedis();
  try {
    // Render every page once so neither crawler pays for page generation.
    for (let i = 0; i < COUNT; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, COUNT - i) }, (_, j) => fetch(site.url(`/articles/${i + j}`)).then((r) => r.arrayBuffer())),
      );
    }
    const env = {
      BENCH_BASE_URL: site.origin,
      BENCH_COUNT: String(COUNT),
      BENCH_CONCURRENCY: String(CONCURRENCY),
      BENCH_REDIS_URL: redis.url,
    };
    console.log(`crawl-throughput: ${COUNT} article pages (30-80 KB), concurrency ${CONCURRENCY}, per-host limit ${CONCURRENCY}, ${ROUNDS} round(s)`);
    const reports: RunReport[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      // Alternate the order so neither side always runs on a warmer machine.
      const scripts = ['crawlee.run.ts', 'ours.run.ts', 'crawlee-readability.run.ts'];
      const order = round % 2 === 0 ? scripts : [...scripts].reverse();
      for (const script of order) {
        const result = await runChild(script, env);
        reports.push(result);
        console.log(
          `  ${result.name.padEnd(24)} ${result.pagesPerSecond.toFixed(1).padStart(7)} pages/s  ` +
            `${result.pages} ok / ${result.failed} failed in ${result.seconds.toFixed(2)} s  ` +
            `peak RSS ${result.peakRssMiB} MiB  (${result.words} words, ${result.links} links)`,
        );
      }
    }
    const best = (name: string) => Math.max(...reports.filter((r) => r.name === name).map((r) => r.pagesPerSecond));
    const ours = best('riptide Crawler');
    const crawlee = best('Crawlee CheerioCrawler');
    const control = best('Crawlee Http+Readability');
    console.log(`  ratio riptide / Crawlee CheerioCrawler (best of rounds): ${(ours / crawlee).toFixed(2)}x`);
    console.log(`  ratio riptide / Crawlee with the same Readability extraction: ${(ours / control).toFixed(2)}x`);
  } finally {
    await site.close();
    redis.child.kill();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
