/**
 * queue-throughput: no-op custom jobs through the whole lifecycle (submit → processed → status
 * and result readable) with RipTide's QueueModule, against raw bull on the same Redis at the same
 * concurrency, in the same run, over alternating rounds. Prints, per round and as medians, jobs/s
 * and the CPU each job cost this process (producer and worker) and Redis, and the median of the
 * per-round ratios (target ≥ 0.8); no ratio when a raw bull round looks starved. One untimed
 * warm-up run of each side comes first (BENCH_WARMUP_ROUNDS).
 *
 *   node -r @swc-node/register tools/bench/queue-throughput/main.ts
 *   (BENCH_JOBS=5000 BENCH_CONCURRENCY=10 BENCH_IN_FLIGHT=50 BENCH_ROUNDS=5;
 *   BENCH_REDIS_COMMANDS=1: Redis commands per job; BENCH_REDIS_SCRIPTS=1: Redis time per job by
 *   Lua script, with BENCH_JOBS=500; BENCH_SPLIT=1: submitting, processing and reading back
 *   measured apart, each with its own rate and CPU per job)
 */
import 'reflect-metadata';
import { INestApplicationContext, Injectable, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import Bull from 'bull';
import { getQueueToken } from '@nestjs/bull';
import {
  CustomJobHandler,
  JobEvents,
  QueueModule,
  QueueService,
  RIPTIDE_QUEUE_NAME,
} from '@riptide/queue';
import { declareHandledJobTypes } from '@riptide/queue/testing';
import { emptyBenchRedis, envInt, median, startBenchRedis } from '../shared/bench-redis';
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
const WARMUP_ROUNDS = envInt('BENCH_WARMUP_ROUNDS', 1);

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

/** Runs `run`, then empties the bench Redis (untimed) for whatever runs next. */
async function emptiedAfter<T>(url: string, run: () => Promise<T>): Promise<T> {
  const result = await run();
  await emptyBenchRedis(url);
  return result;
}

/** A side's steps, shared by the whole-lifecycle rounds and the split ones (BENCH_SPLIT=1). */
interface Side {
  /** Submits JOBS jobs, IN_FLIGHT at a time; returns their ids. */
  submit(): Promise<string[]>;
  /** Starts workers of CONCURRENCY jobs, if the side has none running yet. */
  startWorkers(): Promise<void>;
  /** Resolves once every job is done. */
  untilProcessed(): Promise<void>;
  /** The queue's own pause (every worker), and its end. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Reads every job's status and result back, and checks them. */
  readBack(ids: string[]): Promise<void>;
  close(): Promise<void>;
}

/** Counts a side's completion events: `processed` resolves at the JOBS-th. */
function completionCount(): { completed(): void; processed: Promise<void> } {
  let done = 0;
  let allDone!: () => void;
  const processed = new Promise<void>((resolve) => (allDone = resolve));
  return { completed: () => void (++done === JOBS && allDone()), processed };
}

async function rawBullSide(url: string, name: string): Promise<Side> {
  const queue = new Bull(name, url, { settings: { lockDuration: 30000 } });
  await queue.isReady();
  const { completed, processed } = completionCount();
  queue.on('completed', completed);
  return {
    async submit() {
      const ids: string[] = [];
      await pool(JOBS, IN_FLIGHT, async (i) =>
        ids.push(String((await queue.add({ i }, { removeOnComplete: { age: 3600 } })).id)),
      );
      return ids;
    },
    async startWorkers() {
      void queue.process(CONCURRENCY, async () => ({ ok: true }));
    },
    untilProcessed: () => processed,
    pause: () => queue.pause(),
    resume: () => queue.resume(),
    async readBack(ids) {
      await pool(JOBS, IN_FLIGHT, async (i) => {
        const job = await queue.getJob(ids[i]);
        if ((await job!.getState()) !== 'completed' || !job!.returnvalue)
          throw new Error('raw bull lost a job');
      });
    },
    async close() {
      await queue.obliterate({ force: true });
      await queue.close();
    },
  };
}

/**
 * One whole-lifecycle run of a side: its workers process while the jobs go in, then every job is
 * read back. Returns the seconds from the first submission to the last read.
 */
async function wholeRun(name: string, side: Side): Promise<number> {
  await side.startWorkers();
  const started = performance.now();
  const ids = await side.submit();
  const submitted = performance.now();
  await side.untilProcessed();
  const processed = performance.now();
  await side.readBack(ids);
  phases(name, started, submitted, processed);
  const seconds = (performance.now() - started) / 1000;
  await side.close();
  return seconds;
}

/**
 * Untimed whole runs of both sides before the measured rounds. Without them the first round's
 * first side, always raw bull, runs on code the JIT has not compiled yet (bull's own code too,
 * which both sides share), and that round's ratio flatters RipTide.
 */
async function warmUp(url: string): Promise<void> {
  for (let round = 0; round < WARMUP_ROUNDS; round++) {
    await emptiedAfter(url, async () =>
      wholeRun('raw bull', await rawBullSide(url, `raw-warmup-${round}`)),
    );
    await emptiedAfter(url, async () =>
      wholeRun('riptide', await ripTideSide(url, `warmup${round}`, false)),
    );
  }
}

@Injectable()
class NoopHandlers {
  @CustomJobHandler('noop')
  async noop() {
    return { ok: true };
  }
}

/** A Nest app with the QueueModule on `prefix`: a worker of `poolSize` (0: a producer only). */
async function queueApp(url: string, prefix: string, poolSize: number) {
  @Module({
    imports: [QueueModule.forRoot({ redisUrl: url, prefix, worker: { poolSize } })],
    providers: poolSize > 0 ? [NoopHandlers] : [],
  })
  class BenchModule {}
  const app = await NestFactory.createApplicationContext(BenchModule, { logger: false });
  await app.init();
  return app;
}

/**
 * RipTide's side. Split, the producer app runs no worker (the job type is declared for it, as a
 * worker elsewhere would) and startWorkers starts one; whole, one app submits and processes, and
 * startWorkers has nothing to start.
 */
async function ripTideSide(url: string, prefix: string, split: boolean): Promise<Side> {
  if (split) await declareHandledJobTypes(url, prefix, ['custom:noop']);
  const producer = await queueApp(url, prefix, split ? 0 : CONCURRENCY);
  const queue = producer.get(QueueService);
  const bullQueue = producer.get<Bull.Queue>(getQueueToken(RIPTIDE_QUEUE_NAME));
  let worker: INestApplicationContext | undefined;
  // Counted as raw bull's side counts its 'completed' events: from the events of the app whose
  // worker runs the jobs.
  const { completed, processed } = completionCount();
  const countCompletions = (app: INestApplicationContext) =>
    app.get(JobEvents).subscribe((event) => event.kind === 'completed' && completed());
  if (!split) countCompletions(producer);
  return {
    async submit() {
      const ids: string[] = [];
      await pool(JOBS, IN_FLIGHT, async () =>
        ids.push((await queue.submit({ jobType: { type: 'custom', jobName: 'noop' } })).jobId),
      );
      return ids;
    },
    async startWorkers() {
      if (!split) return;
      worker = await queueApp(url, prefix, CONCURRENCY);
      countCompletions(worker);
    },
    untilProcessed: () => processed,
    pause: () => bullQueue.pause(),
    resume: () => bullQueue.resume(),
    async readBack(ids) {
      await pool(JOBS, IN_FLIGHT, async (i) => {
        const [view, result] = await Promise.all([queue.getJob(ids[i]), queue.getResult(ids[i])]);
        if (view.status !== 'Completed' || !result.success) throw new Error('riptide lost a job');
      });
    },
    async close() {
      await worker?.close();
      await producer.close();
    },
  };
}

/** The three steps of a split run, each measured alone. */
interface SplitRun {
  submit: Run;
  process: Run;
  readBack: Run;
}

const STEPS = ['submit', 'process', 'readBack'] as const;

/** Runs a side's steps one after another, so that each one's rate and CPU per job are its own. */
async function splitRun(url: string, side: Side): Promise<SplitRun> {
  const timed = (body: () => Promise<unknown>) => async () => {
    const started = performance.now();
    await body();
    return (performance.now() - started) / 1000;
  };
  let ids: string[] = [];
  // Paused while the jobs go in and while the workers start (untimed): a worker's start-up is no
  // part of what a job costs.
  await side.pause();
  const submit = await measured(
    url,
    timed(async () => (ids = await side.submit())),
  );
  await side.startWorkers();
  const processed = await measured(
    url,
    timed(async () => {
      await side.resume();
      await side.untilProcessed();
    }),
  );
  const readBack = await measured(
    url,
    timed(() => side.readBack(ids)),
  );
  await side.close();
  await emptyBenchRedis(url);
  return { submit, process: processed, readBack };
}

/**
 * BENCH_SPLIT=1: where each side's work goes. Submitting (the queue paused), processing (a full
 * queue, its workers already started) and reading back are measured apart, in alternating
 * rounds; per step, each side's rate and CPU per job in this process and in Redis, and the median
 * ratio of the rates.
 */
async function splitRounds(url: string): Promise<void> {
  const raw: SplitRun[] = [];
  const ours: SplitRun[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const [r, o] = await alternating(round, [
      async () => splitRun(url, await rawBullSide(url, `raw-split-${round}`)),
      async () => splitRun(url, await ripTideSide(url, `split${round}`, true)),
    ]);
    raw.push(r);
    ours.push(o);
    for (const step of STEPS)
      console.log(
        `round ${round + 1} ${step}: raw bull ${show(r[step])} | riptide ${show(o[step])}`,
      );
  }
  console.log(
    `\nqueue-throughput, split (${JOBS} no-op jobs, concurrency ${CONCURRENCY}, ${IN_FLIGHT} submits in flight, median of ${ROUNDS} alternating rounds)`,
  );
  for (const step of STEPS) {
    const { note } = ratioOfRounds(
      raw.map((run) => run[step].jobsPerSecond),
      ours.map((run) => run[step].jobsPerSecond),
    );
    console.log(`${step.padEnd(8)} raw bull : ${show(medianRun(raw.map((run) => run[step])))}`);
    console.log(`${step.padEnd(8)} riptide  : ${show(medianRun(ours.map((run) => run[step])))}`);
    console.log(`${step.padEnd(8)} ratio    : ${note}`);
  }
}

const medianRun = (runs: Run[]): Run => ({
  jobsPerSecond: median(runs.map((run) => run.jobsPerSecond)),
  processMicrosPerJob: median(runs.map((run) => run.processMicrosPerJob)),
  redisMicrosPerJob: median(runs.map((run) => run.redisMicrosPerJob)),
});

async function main(): Promise<void> {
  Logger.overrideLogger(false);
  const redis = await startBenchRedis();
  if (process.env['BENCH_SPLIT']) {
    try {
      await warmUp(redis.url);
      await splitRounds(redis.url);
    } finally {
      await redis.stop();
    }
    return;
  }
  const raw: Run[] = [];
  const ours: Run[] = [];
  try {
    await warmUp(redis.url);
    for (let round = 0; round < ROUNDS; round++) {
      // Each run starts from an empty Redis (emptyBenchRedis), whatever ran before it.
      const [r, o] = await alternating(round, [
        () =>
          emptiedAfter(redis.url, () =>
            measured(redis.url, () =>
              profileRedisCommands(redis.url, 'raw bull', JOBS, () =>
                profileRedisScripts(redis.url, 'raw bull', JOBS, async () =>
                  wholeRun('raw bull', await rawBullSide(redis.url, `raw-${round}`)),
                ),
              ),
            ),
          ),
        () =>
          emptiedAfter(redis.url, () =>
            measured(redis.url, () =>
              profileRedisCommands(redis.url, 'riptide', JOBS, () =>
                profileRedisScripts(redis.url, 'riptide', JOBS, async () =>
                  wholeRun('riptide', await ripTideSide(redis.url, `bench${round}`, false)),
                ),
              ),
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
