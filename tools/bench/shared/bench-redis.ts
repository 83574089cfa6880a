import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { RedisServerProcess } from '@riptide/host';

/**
 * A throw-away redis-server on a free port (never 6379), AOF off like a benchmark box. Prints the
 * machine line first, so every benchmark's output says what it was measured on.
 */
export async function startBenchRedis(): Promise<RedisServerProcess> {
  const server = new RedisServerProcess({
    dataDir: mkdtempSync(join(tmpdir(), 'riptide-bench-')),
    appendOnly: false,
  });
  await server.start();
  console.log(`measured ${describeBenchMachine(await redisVersionOf(server.url))}`);
  return server;
}

/**
 * Empties the bench Redis between two runs, outside what is timed: its keys and its cached
 * scripts. Each run then starts from the same empty Redis whatever ran before it. Without this,
 * the sides left different states: raw bull obliterates its queue when it closes, while RipTide's
 * jobs, indexes and event logs stay (a service keeps its jobs), and RipTide's scripts are loaded
 * once per key prefix (the prefix is written into their text). Every later round then ran on a
 * larger keyspace and Lua heap than the earlier ones.
 */
export async function emptyBenchRedis(url: string): Promise<void> {
  const client = new Redis(url);
  try {
    await client.flushall();
    await client.script('FLUSH');
  } finally {
    client.disconnect();
  }
}

async function redisVersionOf(url: string): Promise<string | undefined> {
  const client = new Redis(url);
  try {
    return /redis_version:(\S+)/.exec(await client.info('server'))?.[1];
  } finally {
    client.disconnect();
  }
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

export const envInt = (name: string, fallback: number): number =>
  Number(process.env[name] ?? fallback);

/**
 * One line naming what a figure was measured on, printed first by every benchmark: figures from
 * different runtimes or machines are not comparable.
 */
export function describeBenchMachine(redisVersion?: string): string {
  const cores = cpus();
  const redis = redisVersion ? `, Redis ${redisVersion}` : '';
  return `${new Date().toISOString().slice(0, 10)}: Node.js ${process.version}${redis}, ${cores.length} × ${cores[0]?.model.trim() ?? 'unknown CPU'}`;
}
