/*
 * scheduler-precision: how late each fire of a one-second schedule is against its slot, with
 * BENCH_INSTANCES scheduler processes (default 3) racing for every slot on one Redis.
 * Run by hand (see README.md), never in CI.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { startBenchRedis } from '../shared/bench-redis';
import { QueueModule, QueueService } from '@riptide/queue';
import { declareHandledJobTypes } from '@riptide/queue/testing';
import { SchedulerModule, SchedulerService } from '@riptide/scheduler';

const SLOTS = Number(process.env['BENCH_SLOTS'] ?? 200);
const INSTANCES = Number(process.env['BENCH_INSTANCES'] ?? 3);
const PREFIX = 'bench-sched';
const root = resolve(__dirname, '../../..');

function startInstance(url: string, n: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', join(__dirname, 'instance.ts')],
    {
      cwd: root,
      env: {
        ...process.env,
        SWC_NODE_PROJECT: 'tsconfig.base.json',
        BENCH_REDIS_URL: url,
        BENCH_PREFIX: PREFIX,
        BENCH_INSTANCE: `instance-${n}`,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((ready, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && ready(child));
    child.once('exit', (code) => reject(new Error(`instance ${n} exited with ${code}`)));
  });
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function main(): Promise<void> {
  const redis = await startBenchRedis();
  const instances = await Promise.all(
    Array.from({ length: INSTANCES }, (_, i) => startInstance(redis.url, i + 1)),
  );
  @Module({
    imports: [
      QueueModule.forRoot({
        isGlobal: true,
        redisUrl: redis.url,
        prefix: PREFIX,
        worker: { poolSize: 0 },
      }),
      SchedulerModule.forRoot({ redisUrl: redis.url, prefix: PREFIX, enabled: false }),
    ],
  })
  class ObserverModule {}
  const app = await NestFactory.createApplicationContext(ObserverModule, {
    logger: ['error', 'warn'],
  });
  const scheduler = app.get(SchedulerService);
  const queue = app.get(QueueService);
  try {
    // The template's custom type needs a worker that handles it: one is declared, none runs here.
    await declareHandledJobTypes(redis.url, PREFIX, ['custom:echo']);
    const schedule = await scheduler.create({
      name: 'precision',
      cronExpression: '* * * * * *',
      jobTemplate: { type: 'custom', jobName: 'echo' },
    });
    const first = schedule.nextExecutionAt!.getTime();
    console.log(
      `${INSTANCES} scheduler processes, ${SLOTS} one-second slots from ${new Date(first).toISOString()} …`,
    );
    await new Promise((r) => setTimeout(r, first + SLOTS * 1000 - Date.now() + 500));
    await scheduler.update(schedule.id, { enabled: false });
    await new Promise((r) => setTimeout(r, 300));

    const fires = (await scheduler.fires(schedule.id, SLOTS * 2))
      .reverse()
      .filter((f) => f.slot!.getTime() < first + SLOTS * 1000);
    const slots = fires.map((f) => f.slot!.getTime());
    const duplicates = slots.length - new Set(slots).size;
    const expected = Array.from({ length: SLOTS }, (_, i) => first + i * 1000);
    const missed = expected.filter((slot) => !slots.includes(slot)).length;
    // Lateness at submission (the job's created_at) and when the fire was recorded.
    const jobs = await Promise.all(fires.map((f) => queue.getJob(f.jobId!)));
    const submitted = jobs
      .map((job, i) => job.createdAt.getTime() - slots[i])
      .sort((a, b) => a - b);
    const recorded = fires
      .map((f) => f.firedAt.getTime() - f.slot!.getTime())
      .sort((a, b) => a - b);
    const byInstance = new Map<string, number>();
    for (const fire of fires)
      byInstance.set(fire.instanceId, (byInstance.get(fire.instanceId) ?? 0) + 1);

    console.log(
      `fires: ${fires.length} of ${SLOTS} slots; missed ${missed}; duplicates ${duplicates}`,
    );
    console.log(`fires per process: ${[...byInstance].map(([id, n]) => `${id}=${n}`).join(', ')}`);
    const line = (label: string, values: number[]) =>
      console.log(
        `${label}: p50 ${percentile(values, 50)} ms, p99 ${percentile(values, 99)} ms, max ${values[values.length - 1]} ms`,
      );
    line('lateness at submit (job created_at - slot)', submitted);
    line('lateness at record (fire logged - slot)  ', recorded);
    console.log(`target p99 <= 1000 ms: ${percentile(submitted, 99) <= 1000 ? 'met' : 'NOT met'}`);
  } finally {
    await app.close();
    await Promise.all(
      instances.map(
        (child) =>
          new Promise<void>((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      ),
    );
    await redis.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
