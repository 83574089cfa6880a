/**
 * list-scaling: does reading the queue cost more as history grows? Two real API hosts
 * (dist/apps/api/main.js, local mode, WORKER_POOL_SIZE=0) on one private redis-server, one with
 * 1,000 retained jobs and one with 200,000 (each: mostly completed, some failed, and the newest 100
 * pending pdf_extraction jobs of ~1 MiB pdf_data each, so the first page of the listing is all PDFs).
 * Measures `GET /workers/jobs?limit=50`, `GET /workers/stats/queue` and `GET /metrics`: the median
 * latency of sequential requests in rounds that alternate between the two hosts, and the CPU time
 * per request of the API process and of redis-server. Prints the 200k/1k ratios (target ≤ 2).
 *
 * The jobs are filled through QueueService.submitBulk and run to completion by a worker in this
 * process (the real path, so the indexes are the ones production keeps).
 *
 *   npx nx build api && SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register tools/bench/list-scaling/main.ts
 *   (BENCH_SMALL=1000 BENCH_LARGE=200000 BENCH_PDFS=100 BENCH_REQUESTS=200 BENCH_ROUNDS=5)
 */
import 'reflect-metadata';
import { Injectable, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import Redis from 'ioredis';
import {
  CustomJobHandler,
  JobSubmission,
  NonRetryableJobError,
  QueueModule,
  QueueService,
} from '@riptide/queue';
import { findFreePort } from '@riptide/host';
import { envInt, median, startBenchRedis } from '../shared/bench-redis';
import { processCpuSecondsOf } from '../shared/rounds';

const SMALL = envInt('BENCH_SMALL', 1000);
const LARGE = envInt('BENCH_LARGE', 200000);
const PDFS = envInt('BENCH_PDFS', 100);
const REQUESTS = envInt('BENCH_REQUESTS', 200);
const ROUNDS = envInt('BENCH_ROUNDS', 5);
/** One job in this many fails for good, so the history is not all one status. */
const FAIL_EVERY = 50;
const FILL_CHUNK = 1000;
const ENDPOINTS = ['/workers/jobs?limit=50', '/workers/stats/queue', '/metrics'];

@Injectable()
class FillHandlers {
  @CustomJobHandler('noop')
  async noop() {
    return { ok: true };
  }
  @CustomJobHandler('fail')
  async fail(): Promise<never> {
    throw new NonRetryableJobError('failed on purpose');
  }
}

/** `count` retained jobs under `prefix`: run to completion (or failure), then the PDFs, left pending. */
async function fill(redisUrl: string, prefix: string, count: number): Promise<void> {
  const started = performance.now();
  @Module({
    imports: [QueueModule.forRoot({ redisUrl, prefix, worker: { poolSize: 64 } })],
    providers: [FillHandlers],
  })
  class FillModule {}
  const worker = await NestFactory.createApplicationContext(FillModule, { logger: false });
  await worker.init();
  const queue = worker.get(QueueService);
  const history = count - PDFS;
  for (let done = 0; done < history; done += FILL_CHUNK) {
    const items: JobSubmission[] = Array.from(
      { length: Math.min(FILL_CHUNK, history - done) },
      (_, i) => ({
        jobType: { type: 'custom', jobName: (done + i) % FAIL_EVERY === 0 ? 'fail' : 'noop' },
        metadata: { customer: `c${(done + i) % 97}`, batch: String(done / FILL_CHUNK) },
      }),
    );
    const outcomes = await queue.submitBulk(items);
    if (outcomes.some((o) => 'error' in o)) throw new Error('a fill item was refused');
    // Keep the backlog bounded so that the worker's pace, not Redis memory, sets the fill speed.
    for (;;) {
      const counts = await queue.counts();
      if (counts.pending < 5 * FILL_CHUNK) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  for (;;) {
    const counts = await queue.counts();
    if (counts.completed + counts.failed === history) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await worker.close();

  @Module({ imports: [QueueModule.forRoot({ redisUrl, prefix, worker: { poolSize: 0 } })] })
  class ProducerModule {}
  const producer = await NestFactory.createApplicationContext(ProducerModule, { logger: false });
  await producer.init();
  const pdfData = Buffer.alloc(1024 * 1024, 0x25).toString('base64');
  for (let i = 0; i < PDFS; i++) {
    await producer
      .get(QueueService)
      .submit({ jobType: { type: 'pdf_extraction', pdfData }, metadata: { file: `doc-${i}.pdf` } });
  }
  const counts = await producer.get(QueueService).counts();
  await producer.close();
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `filled ${prefix}: ${counts.total} jobs (${counts.completed} completed, ${counts.failed} failed, ${counts.pending} pending PDFs) in ${seconds.toFixed(0)} s`,
  );
}

interface Host {
  name: string;
  port: number;
  child: ChildProcess;
}

async function startApi(redisUrl: string, prefix: string): Promise<Host> {
  const port = await findFreePort();
  const child = spawn(process.execPath, [join(__dirname, '../../../dist/apps/api/main.js')], {
    env: {
      ...process.env,
      REDIS_URL: redisUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      WORKER_POOL_SIZE: '0',
      WORKER_ENABLE_SCHEDULER: 'false',
      LOG_LEVEL: 'silent',
      RIPTIDE_PREFIX: prefix,
    },
    stdio: 'ignore',
  });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/workers/stats/queue`)).ok)
        return { name: prefix, port, child };
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the API for ${prefix} never answered`);
}

interface Sample {
  latencyMs: number;
  apiMicros: number;
  redisMicros: number;
}

/** REQUESTS sequential GETs: median latency, and CPU per request of the API and of redis-server. */
async function measure(host: Host, path: string, redisPid: number | undefined): Promise<Sample> {
  const get = async () => {
    const response = await fetch(`http://127.0.0.1:${host.port}${path}`);
    if (!response.ok) throw new Error(`${path} answered ${response.status}`);
    await response.arrayBuffer();
  };
  for (let i = 0; i < 20; i++) await get(); // warm-up
  const latencies: number[] = [];
  const apiBefore = processCpuSecondsOf(host.child.pid);
  const redisBefore = processCpuSecondsOf(redisPid);
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    await get();
    latencies.push(performance.now() - started);
  }
  return {
    latencyMs: median(latencies),
    apiMicros: ((processCpuSecondsOf(host.child.pid) - apiBefore) * 1e6) / REQUESTS,
    redisMicros: ((processCpuSecondsOf(redisPid) - redisBefore) * 1e6) / REQUESTS,
  };
}

async function memoryReport(redisUrl: string): Promise<void> {
  const client = new Redis(redisUrl);
  try {
    const info = await client.info('memory');
    const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
    let indexBytes = 0;
    let indexKeys = 0;
    for (const prefix of ['large']) {
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(
          cursor,
          'MATCH',
          `${prefix}:jobs:rt:i*`,
          'COUNT',
          1000,
        );
        cursor = next;
        for (const key of keys) {
          indexBytes += Number((await client.memory('USAGE', key, 'SAMPLES', '0')) ?? 0);
          indexKeys++;
        }
      } while (cursor !== '0');
      indexBytes += Number(
        (await client.memory('USAGE', `${prefix}:jobs:rt:facets`, 'SAMPLES', '0')) ?? 0,
      );
    }
    console.log(
      `redis used_memory ${(used / 2 ** 20).toFixed(0)} MiB; listing indexes of the ${LARGE}-job queue: ${indexKeys} sets + facets, ${(indexBytes / 2 ** 20).toFixed(1)} MiB (${(indexBytes / LARGE).toFixed(0)} B per job)`,
    );
  } finally {
    client.disconnect();
  }
}

async function main(): Promise<void> {
  Logger.overrideLogger(false);
  const redis = await startBenchRedis();
  const hosts: Host[] = [];
  try {
    await fill(redis.url, 'small', SMALL);
    await fill(redis.url, 'large', LARGE);
    await memoryReport(redis.url);
    hosts.push(await startApi(redis.url, 'small'), await startApi(redis.url, 'large'));
    const samples = hosts.map(() => ENDPOINTS.map(() => [] as Sample[]));
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order so that neither side always runs on a warmer machine.
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      for (const h of order)
        for (const [e, path] of ENDPOINTS.entries())
          samples[h][e].push(await measure(hosts[h], path, redis.pid));
      console.log(
        `round ${round + 1}: ` +
          ENDPOINTS.map(
            (path, e) =>
              `${path} ${samples[0][e][round].latencyMs.toFixed(2)} / ${samples[1][e][round].latencyMs.toFixed(2)} ms`,
          ).join(' | '),
      );
    }
    const pick = (list: Sample[]): Sample => ({
      latencyMs: median(list.map((s) => s.latencyMs)),
      apiMicros: median(list.map((s) => s.apiMicros)),
      redisMicros: median(list.map((s) => s.redisMicros)),
    });
    console.log(
      `\nlist-scaling (${SMALL} vs ${LARGE} retained jobs, ${PDFS} of them ~1 MiB PDFs; ${REQUESTS} sequential requests, median of ${ROUNDS} rounds)`,
    );
    for (const [e, path] of ENDPOINTS.entries()) {
      const small = pick(samples[0][e]);
      const large = pick(samples[1][e]);
      const ratio = large.latencyMs / small.latencyMs;
      console.log(
        `${path.padEnd(24)} latency ${small.latencyMs.toFixed(2)} → ${large.latencyMs.toFixed(2)} ms (ratio ${ratio.toFixed(2)}, target ≤ 2${ratio <= 2 ? '' : ': MISSED'}); ` +
          `API CPU ${small.apiMicros.toFixed(0)} → ${large.apiMicros.toFixed(0)} µs/req; redis CPU ${small.redisMicros.toFixed(0)} → ${large.redisMicros.toFixed(0)} µs/req`,
      );
    }
  } finally {
    await Promise.all(
      hosts.map(
        (host) =>
          new Promise<void>((resolve) => {
            host.child.once('exit', () => resolve());
            host.child.kill('SIGTERM');
          }),
      ),
    );
    await redis.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
