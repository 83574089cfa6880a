/**
 * queue-throughput: no-op custom jobs through the whole lifecycle (submit → processed → status
 * and result readable) with RipTide's QueueModule, against raw bull on the same Redis at the same
 * concurrency, in the same run, over alternating rounds. Prints, per round and as medians, jobs/s
 * and the CPU each job cost this process (producer and worker) and Redis, and the median of the
 * per-round ratios (target ≥ 0.8); no ratio when a raw bull round looks starved.
 *
 *   node -r @swc-node/register tools/bench/queue-throughput/main.ts
 *   (BENCH_JOBS=5000 BENCH_CONCURRENCY=10 BENCH_IN_FLIGHT=50 BENCH_ROUNDS=5;
 *   BENCH_REDIS_COMMANDS=1: Redis commands per job; BENCH_REDIS_SCRIPTS=1: Redis time per job by
 *   Lua script, with BENCH_JOBS=500)
 */
import 'reflect-metadata';
import { Injectable, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import Bull from 'bull';
import { CustomJobHandler, QueueModule, QueueService } from '@riptide/queue';
import { envInt, median, startBenchRedis } from '../shared/bench-redis';
import {
  alternating,
  benchRounds,
  processCpuSeconds,
  profileRedisCommands,
  profileRedisScripts,
  ratioOfRounds,
  redisCpuSeconds,
} from '../shared/rounds';

const JOBS = envInt('BENCH_JOBS', 5000);
const CONCURRENCY = envInt('BENCH_CONCURRENCY', 10);
const IN_FLIGHT = envInt('BENCH_IN_FLIGHT', 50);
const ROUNDS = benchRounds();

/** One side's run: throughput, and CPU per job in this process and in Redis. */
interface Run {
  jobsPerSecond: number;
  processMicrosPerJob: number;
  redisMicrosPerJob: number;
}

/** Times a side's run and charges it the CPU this process and Redis spent meanwhile. */
async function measured(redisUrl: string, body: () => Promise<number>): Promise<Run> {
  const [process0, redis0] = [processCpuSeconds(), await redisCpuSeconds(redisUrl)];
  const seconds = await body();
  const [process1, redis1] = [processCpuSeconds(), await redisCpuSeconds(redisUrl)];
  return {
    jobsPerSecond: JOBS / seconds,
    processMicrosPerJob: ((process1 - process0) * 1e6) / JOBS,
    redisMicrosPerJob: ((redis1 - redis0) * 1e6) / JOBS,
  };
}

const show = (run: Run) =>
  `${run.jobsPerSecond.toFixed(0)} jobs/s, ${run.processMicrosPerJob.toFixed(0)} µs process + ${run.redisMicrosPerJob.toFixed(0)} µs Redis CPU/job`;

/** Runs `count` async tasks with at most `limit` in flight. */
async function pool(
  count: number,
  limit: number,
  task: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** With BENCH_PHASES=1, prints where the time went: submitting, draining, reading back. */
function phases(name: string, started: number, submitted: number, processed: number): void {
  if (!process.env['BENCH_PHASES']) return;
  const now = performance.now();
  const ms = (a: number, b: number) => `${(b - a).toFixed(0)} ms`;
  console.log(
    `  ${name}: submit ${ms(started, submitted)}, drain ${ms(submitted, processed)}, read ${ms(processed, now)}`,
  );
}

async function rawBull(url: string, round: number): Promise<number> {
  const queue = new Bull(`raw-${round}`, url, { settings: { lockDuration: 30000 } });
  await queue.isReady();
  let done = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  queue.on('completed', () => ++done === JOBS && resolveAll());
  void queue.process(CONCURRENCY, async () => ({ ok: true }));
  const started = performance.now();
  const ids: string[] = [];
  await pool(JOBS, IN_FLIGHT, async (i) =>
    ids.push(String((await queue.add({ i }, { removeOnComplete: { age: 3600 } })).id)),
  );
  const submitted = performance.now();
  await all;
  const processed = performance.now();
  await pool(JOBS, IN_FLIGHT, async (i) => {
    const job = await queue.getJob(ids[i]);
    if ((await job!.getState()) !== 'completed' || !job!.returnvalue)
      throw new Error('raw bull lost a job');
  });
  phases('raw bull', started, submitted, processed);
  const seconds = (performance.now() - started) / 1000;
  await queue.obliterate({ force: true });
  await queue.close();
  return seconds;
}

@Injectable()
class NoopHandlers {
  @CustomJobHandler('noop')
  async noop() {
    return { ok: true };
  }
}

async function riptide(url: string, round: number): Promise<number> {
  @Module({
    imports: [
      QueueModule.forRoot({
        redisUrl: url,
        prefix: `bench${round}`,
        worker: { poolSize: CONCURRENCY },
      }),
    ],
    providers: [NoopHandlers],
  })
  class BenchModule {}
  const app = await NestFactory.createApplicationContext(BenchModule, { logger: false });
  await app.init();
  const queue = app.get(QueueService);
  const started = performance.now();
  const ids: string[] = [];
  await pool(JOBS, IN_FLIGHT, async () =>
    ids.push((await queue.submit({ jobType: { type: 'custom', jobName: 'noop' } })).jobId),
  );
  const submitted = performance.now();
  for (;;) {
    const counts = await queue.counts();
    if (counts.completed === JOBS) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const processed = performance.now();
  await pool(JOBS, IN_FLIGHT, async (i) => {
    const [view, result] = await Promise.all([queue.getJob(ids[i]), queue.getResult(ids[i])]);
    if (view.status !== 'Completed' || !result.success) throw new Error('riptide lost a job');
  });
  phases('riptide', started, submitted, processed);
  const seconds = (performance.now() - started) / 1000;
  await app.close();
  return seconds;
}

async function main(): Promise<void> {
  Logger.overrideLogger(false);
  const redis = await startBenchRedis();
  const raw: Run[] = [];
  const ours: Run[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const [r, o] = await alternating(round, [
        () =>
          measured(redis.url, () =>
            profileRedisCommands(redis.url, 'raw bull', JOBS, () =>
              profileRedisScripts(redis.url, 'raw bull', JOBS, () => rawBull(redis.url, round)),
            ),
          ),
        () =>
          measured(redis.url, () =>
            profileRedisCommands(redis.url, 'riptide', JOBS, () =>
              profileRedisScripts(redis.url, 'riptide', JOBS, () => riptide(redis.url, round)),
            ),
          ),
      ]);
      raw.push(r);
      ours.push(o);
      console.log(
        `round ${round + 1}: raw bull ${show(r)} | riptide ${show(o)} | ratio ${(o.jobsPerSecond / r.jobsPerSecond).toFixed(2)}`,
      );
    }
  } finally {
    await redis.stop();
  }
  const medianRun = (runs: Run[]): Run => ({
    jobsPerSecond: median(runs.map((run) => run.jobsPerSecond)),
    processMicrosPerJob: median(runs.map((run) => run.processMicrosPerJob)),
    redisMicrosPerJob: median(runs.map((run) => run.redisMicrosPerJob)),
  });
  const { note } = ratioOfRounds(
    raw.map((run) => run.jobsPerSecond),
    ours.map((run) => run.jobsPerSecond),
  );
  console.log(
    `\nqueue-throughput (${JOBS} no-op jobs, concurrency ${CONCURRENCY}, ${IN_FLIGHT} submits in flight, median of ${ROUNDS} alternating rounds)`,
  );
  console.log(`raw bull : ${show(medianRun(raw))}`);
  console.log(`riptide  : ${show(medianRun(ours))}`);
  console.log(`ratio    : ${note} (target ≥ 0.80)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
