import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import Redis from 'ioredis';
import { ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix, waitFor } from '@riptide/testing';
import { JobEvent } from '../job-events.service';
import { QueueModule } from '../queue.module';
import { QueueService } from '../queue.service';

const url = testRedisUrl();
const root = resolve(__dirname, '../../../../..');
/** The worker processes' lock (fencing-worker.e2e-child.ts). */
const LOCK_MS = 1000;

interface WorkerProcess {
  child: ChildProcess;
  /** Everything it printed, both streams. */
  output: () => string;
  events: () => JobEvent[];
}

/**
 * A worker paused longer than its lock (SIGSTOP here; a long GC or a frozen VM alike) whose job
 * was taken over by another worker: when it wakes and ends its attempt, nothing of it may land.
 */
describe('fencing of a worker that lost its lock (real Redis, real bull, real processes)', () => {
  let prefix: string;
  let redis: Redis;
  let app: INestApplicationContext | undefined;
  const children: ChildProcess[] = [];

  beforeEach(() => {
    prefix = uniquePrefix('fencing');
    redis = new Redis(url);
  });

  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    }
    await app?.close();
    app = undefined;
    redis.disconnect();
    await deleteKeysWithPrefix(url, prefix);
  });

  async function producer(): Promise<QueueService> {
    const moduleRef = await Test.createTestingModule({
      imports: [QueueModule.forRoot({ redisUrl: url, prefix })],
    }).compile();
    app = await moduleRef.init();
    return app.get(QueueService);
  }

  async function startWorker(
    workerId: string,
    stepMs: number,
    end: 'complete' | 'fail',
  ): Promise<WorkerProcess> {
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', join(__dirname, '../../e2e/fencing-worker.e2e-child.ts')],
      {
        cwd: root,
        env: {
          ...process.env,
          SWC_NODE_PROJECT: 'tsconfig.base.json',
          QUEUE_E2E_REDIS_URL: url,
          QUEUE_E2E_PREFIX: prefix,
          FENCING_WORKER_ID: workerId,
          FENCING_STEP_MS: String(stepMs),
          FENCING_END: end,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`worker ${workerId} did not start: ${output}`)),
        30000,
      );
      child.stdout?.on('data', () => /^ready$/m.test(output) && (clearTimeout(timer), ready()));
      child.once('exit', (code) =>
        fail(new Error(`worker ${workerId} exited with ${code}: ${output}`)),
      );
    });
    const events = () =>
      output
        .split('\n')
        .filter((line) => line.startsWith('event '))
        .map((line) => JSON.parse(line.slice('event '.length)) as JobEvent);
    return { child, output: () => output, events };
  }

  /** Everything the attempts can write, as stored: the view, the result and the raw job hash. */
  async function snapshot(queue: QueueService, jobId: string) {
    const view = await queue.getJob(jobId);
    const result = await queue.getResult(jobId);
    const hash = await redis.hmget(
      queue.keys.job(jobId),
      'attemptsMade',
      'failedReason',
      'stacktrace',
      'rt_outcome',
      'rt_worker',
      'progress',
      'returnvalue',
    );
    return { view, result, hash, external: await redis.get(queue.keys.result(jobId)) };
  }

  it.each(['complete', 'fail'] as const)(
    "keeps the second attempt's status, result, attempts and events when the paused first one wakes and tries to %s",
    async (firstEnd) => {
      const queue = await producer();
      const first = await startWorker('worker-first', 4 * LOCK_MS, firstEnd);
      const { jobId } = await queue.submit({ jobType: { type: 'custom', jobName: 'two-step' } });
      await waitFor(
        () => queue.getJob(jobId),
        (view) =>
          view.workerId === 'worker-first' &&
          (view.progress as { step?: string } | null)?.step === 'started',
        { what: 'the first worker to be running the job' },
      );

      first.child.kill('SIGSTOP');
      const stoppedAt = Date.now();
      const second = await startWorker('worker-second', 200, 'complete');
      await waitFor(
        () => queue.getJob(jobId),
        (view) => view.status === 'Completed',
        { what: 'the second worker to complete the job', timeoutMs: 20000 },
      );
      // Paused at least twice its lock, whatever the second worker's speed.
      await new Promise((r) => setTimeout(r, Math.max(0, stoppedAt + 2 * LOCK_MS - Date.now())));

      const taken = await snapshot(queue, jobId);
      expect(taken.view).toMatchObject({
        status: 'Completed',
        workerId: 'worker-second',
        attemptsMade: 0,
        lastError: null,
      });
      expect(taken.view.progress).toEqual({ by: 'worker-second', step: 'finishing' });
      expect(taken.result).toMatchObject({
        success: true,
        workerId: 'worker-second',
        data: { by: 'worker-second' },
      });
      expect(taken.external).toContain('"by":"worker-second"');

      first.child.kill('SIGCONT');
      // The first worker's handler runs on, reports progress and ends; its end must be refused.
      await waitFor(
        () => first.output(),
        (out) => out.includes('handler-end'),
        {
          what: 'the first worker to wake and end its attempt',
          timeoutMs: 15000,
        },
      );
      // Long enough for its end, and anything else it still does (its lock renewal, bull's next fetch), to land.
      await new Promise((r) => setTimeout(r, 2 * LOCK_MS));

      expect(await snapshot(queue, jobId)).toEqual(taken);
      // What metrics count: the first worker started the job and nothing more; the second, one completion.
      const kinds = (worker: WorkerProcess) =>
        worker
          .events()
          .filter((e) => e.jobId === jobId)
          .map((e) => e.kind);
      expect(kinds(first)).toEqual(['started']);
      expect(kinds(second)).toEqual(['started', 'completed']);
      expect(first.output()).toContain(`job ${jobId}: this worker lost its lock`);
    },
    60000,
  );
});
