/** What each benchmark child process reports to the parent. */
export interface RunReport {
  name: string;
  pages: number;
  failed: number;
  seconds: number;
  pagesPerSecond: number;
  /** Peak resident set size of the child process, MiB (getrusage maxrss). */
  peakRssMiB: number;
  /** Sum of extracted words and links, to show both did the work. */
  words: number;
  links: number;
  /** CPU (user + system, every thread) the whole child process used, in seconds; set by report(). */
  cpuSeconds?: number;
}

/** Settings handed from the parent to each child through the environment. */
export interface RunSettings {
  baseUrl: string;
  count: number;
  concurrency: number;
  redisUrl: string;
}

export function readSettings(): RunSettings {
  return {
    baseUrl: process.env['BENCH_BASE_URL'] ?? '',
    count: Number(process.env['BENCH_COUNT'] ?? 1000),
    concurrency: Number(process.env['BENCH_CONCURRENCY'] ?? 16),
    redisUrl: process.env['BENCH_REDIS_URL'] ?? '',
  };
}

export function peakRssMiB(): number {
  // maxRSS is in KiB on Linux and covers the whole life of the process.
  return Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10;
}

export function report(result: RunReport): void {
  const { user, system } = process.cpuUsage();
  process.send?.({ ...result, cpuSeconds: (user + system) / 1e6 });
}
