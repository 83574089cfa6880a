import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisServerProcess } from '@riptide/host';

/** A throw-away redis-server on a free port (never 6379), AOF off like a benchmark box. */
export async function startBenchRedis(): Promise<RedisServerProcess> {
  const server = new RedisServerProcess({ dataDir: mkdtempSync(join(tmpdir(), 'riptide-bench-')), appendOnly: false });
  await server.start();
  return server;
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

export const envInt = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
