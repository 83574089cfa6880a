import { INestApplicationContext, Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix, waitFor } from '@riptide/testing';
import { TestJobHandlers, TestJobHandlersModule } from '../../testing';
import { JobStateConflictError } from '../errors/job-state-conflict.error';
import { JobEvent, JobEvents } from '../job-events.service';
import { FINISHED_STATUSES, JobStatus } from '../model/job.interface';
import { QueueModule } from '../queue.module';
import { QueueService } from '../queue.service';
import { JobContext } from './job-handler.interface';
import { CustomJobHandler } from './job-handler.decorator';

const url = testRedisUrl();

/** Jobs of the `gated` handler: each waits for the test to let it finish, whatever its signal says. */
const gates = new Map<string, () => void>();
const startedWaiters = new Map<string, () => void>();

@Injectable()
class GatedHandler {
  /** Ignores its abort signal: it completes when released, as a handler caught mid-return would. */
  @CustomJobHandler('gated')
  async gated(_payload: unknown, context: JobContext) {
    await new Promise<void>((release) => {
      gates.set(context.jobId, release);
      startedWaiters.get(context.jobId)?.();
    });
    return { finishedBy: context.workerId };
  }
}

const started = (jobId: string) =>
  new Promise<void>((resolve) =>
    gates.has(jobId) ? resolve() : startedWaiters.set(jobId, resolve),
  );
/** Lets `turns` turns of the event loop pass (Redis replies and pub/sub messages get handled meanwhile). */
const turns = async (count: number) => {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('cancel of a running job racing its completion (real Redis, real bull)', () => {
  let prefix: string;
  let app: INestApplicationContext | undefined;

  beforeEach(() => {
    prefix = uniquePrefix('cancel-race');
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    gates.clear();
    startedWaiters.clear();
    await deleteKeysWithPrefix(url, prefix);
  });

  it('ends every job in the state the cancel answered, whichever lands first (30 timings)', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        QueueModule.forRoot({
          redisUrl: url,
          prefix,
          worker: { poolSize: 1, lockDurationMs: 5000, stalledIntervalMs: 5000 },
        }),
        TestJobHandlersModule.register({ redisUrl: url, prefix }),
      ],
      providers: [GatedHandler],
    }).compile();
    app = await moduleRef.init().catch(async (error: unknown) => {
      await moduleRef.get(TestJobHandlers).onModuleDestroy();
      throw error;
    });
    const queue = app.get(QueueService);
    const events: JobEvent[] = [];
    app.get(JobEvents).subscribe((event) => events.push(event));

    const answers: { jobId: string; answered: JobStatus; final: JobStatus }[] = [];
    for (let i = 0; i < 30; i++) {
      const { jobId } = await queue.submit({ jobType: { type: 'custom', jobName: 'gated' } });
      await started(jobId);
      const release = gates.get(jobId)!;
      // Half the runs send the cancel first, half let the handler return first; the gap between
      // the two grows from nothing to several turns of the event loop, so the runs cross the
      // moment where the completion and the cancel reach Redis together.
      const gap = Math.floor(i / 2) % 15;
      let cancelling: Promise<JobStatus>;
      const cancel = () =>
        queue.cancel(jobId).then(
          (answer) => answer.status as JobStatus,
          (error: unknown) => {
            if (error instanceof JobStateConflictError) return error.status as JobStatus;
            throw error;
          },
        );
      if (i % 2 === 0) {
        cancelling = cancel();
        await turns(gap);
        release();
      } else {
        release();
        await turns(gap);
        cancelling = cancel();
      }
      const answered = await cancelling;
      const final = (
        await waitFor(
          () => queue.getJob(jobId),
          (view) => FINISHED_STATUSES.includes(view.status),
          { what: `job ${jobId} to finish` },
        )
      ).status;
      answers.push({ jobId, answered, final });
    }

    expect(answers.filter((a) => a.answered !== a.final)).toEqual([]);
    // Both answers occurred: the timings really span the race, on both sides of it.
    expect(new Set(answers.map((a) => a.answered))).toEqual(new Set(['Cancelled', 'Completed']));
    // The events (what metrics count) agree with the final states: one end per job, the right one.
    await waitFor(
      () => events.filter((e) => e.kind === 'completed' || e.kind === 'cancelled').length,
      (n) => n >= answers.length,
      { what: 'one end event per job' },
    );
    for (const { jobId, final } of answers) {
      const ends = events
        .filter((e) => e.jobId === jobId && e.kind !== 'started' && e.kind !== 'submitted')
        .map((e) => e.kind);
      expect({ jobId, ends }).toEqual({
        jobId,
        ends: [final === 'Completed' ? 'completed' : 'cancelled'],
      });
    }
    // A cancelled job's result says so, with nothing of the completion that lost.
    for (const { jobId } of answers.filter((a) => a.final === 'Cancelled')) {
      expect(await queue.getResult(jobId)).toMatchObject({
        success: false,
        data: null,
        error: 'Job was cancelled',
      });
    }
  }, 120000);
});
