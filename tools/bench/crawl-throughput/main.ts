import { fork } from 'node:child_process';
import { join } from 'node:path';
import { median, startBenchRedis } from '../shared/bench-redis';
import { benchRounds, ratioOfRounds } from '../shared/rounds';
import { startFixtureSite } from '@riptide/testing';
import type { RunReport } from './bench.util';

const COUNT = Number(process.env['BENCH_COUNT'] ?? 1000);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 16);
const ROUNDS = benchRounds();

/** CPU per page of a run, in ms, whole child process (start-up included, the same for every side). */
const cpuPerPage = (run: RunReport): string =>
  (((run.cpuSeconds ?? NaN) * 1000) / Math.max(1, run.pages)).toFixed(2);

function runChild(script: string, env: Record<string, string>): Promise<RunReport> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, script), [], {
      execArgv: [
        '-r',
        '@swc-node/register',
        ...(process.env['BENCH_CHILD_ARGS'] ?? '').split(' ').filter(Boolean),
      ],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: RunReport | undefined;
    child.on('message', (message) => {
      result = message as RunReport;
    });
    child.on('exit', (code) =>
      result ? resolve(result) : reject(new Error(`${script} exited with ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  const site = await startFixtureSite({ articleCount: COUNT });
  const redis = await startBenchRedis();
  try {
    // Render every page once so neither crawler pays for page generation.
    for (let i = 0; i < COUNT; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, COUNT - i) }, (_, j) =>
          fetch(site.url(`/articles/${i + j}`)).then((r) => r.arrayBuffer()),
        ),
      );
    }
    const env = {
      BENCH_BASE_URL: site.origin,
      BENCH_COUNT: String(COUNT),
      BENCH_CONCURRENCY: String(CONCURRENCY),
      BENCH_REDIS_URL: redis.url,
    };
    console.log(
      `crawl-throughput: ${COUNT} article pages (30-80 KB), concurrency ${CONCURRENCY}, per-host limit ${CONCURRENCY}, ${ROUNDS} round(s)`,
    );
    const reports: RunReport[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      // Alternate the order so neither side always runs on a warmer machine.
      const scripts = (
        process.env['BENCH_ONLY'] ?? 'crawlee.run.ts,ours.run.ts,crawlee-readability.run.ts'
      ).split(',');
      const order = round % 2 === 0 ? scripts : [...scripts].reverse();
      for (const script of order) {
        const result = await runChild(script, env);
        reports.push(result);
        console.log(
          `  ${result.name.padEnd(24)} ${result.pagesPerSecond.toFixed(1).padStart(7)} pages/s  ` +
            `${result.pages} ok / ${result.failed} failed in ${result.seconds.toFixed(2)} s  ` +
            `peak RSS ${result.peakRssMiB} MiB  ${cpuPerPage(result)} ms CPU/page  (${result.words} words, ${result.links} links)`,
        );
      }
    }
    // Medians of the rounds; a ratio is printed only when both of its sides ran (BENCH_ONLY may leave one out).
    const runsOf = (name: string) => reports.filter((r) => r.name === name);
    for (const name of new Set(reports.map((r) => r.name))) {
      const runs = runsOf(name);
      console.log(
        `  median ${name.padEnd(24)} ${median(runs.map((r) => r.pagesPerSecond)).toFixed(1)} pages/s, peak RSS ${median(runs.map((r) => r.peakRssMiB))} MiB, ` +
          `${median(runs.map((r) => Number(cpuPerPage(r)))).toFixed(2)} ms CPU/page`,
      );
    }
    const ratio = (label: string, baseline: string) => {
      const [ours, base] = [runsOf('riptide Crawler'), runsOf(baseline)];
      if (!ours.length || ours.length !== base.length) return;
      const pages = ratioOfRounds(
        base.map((r) => r.pagesPerSecond),
        ours.map((r) => r.pagesPerSecond),
      );
      const memory = median(ours.map((r, i) => r.peakRssMiB / base[i].peakRssMiB));
      console.log(
        `  riptide / ${label}: pages/s ${pages.note}; peak RSS ${memory.toFixed(2)}× (target ≤ 1)`,
      );
    };
    ratio('Crawlee CheerioCrawler (target ≥ 1.3)', 'Crawlee CheerioCrawler');
    ratio('Crawlee with the same Readability extraction', 'Crawlee Http+Readability');
  } finally {
    await site.close();
    await redis.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
