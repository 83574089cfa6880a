import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { QueueModule, QueueService } from '@riptide/queue';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix, waitFor } from '@riptide/testing';
import { declareHandledJobTypes } from '@riptide/queue/testing';
import { ScheduleFire } from './schedule.interface';
import { SchedulerModule } from './scheduler.module';
import { SchedulerService } from './scheduler.service';

/*
 * Three real processes fire one schedule against one Redis; this process only reads and changes
 * schedules (its scheduler is not enabled). Every slot must fire exactly once.
 */

const url = testRedisUrl();
const root = resolve(__dirname, '../../../..');
const childFile = join(__dirname, '../e2e/scheduler-process.e2e-child.ts');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function spawnInstance(prefix: string, name: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', childFile], {
    cwd: root,
    env: {
      ...process.env,
      SWC_NODE_PROJECT: 'tsconfig.base.json',
      SCHED_E2E_REDIS_URL: url,
      SCHED_E2E_PREFIX: prefix,
      SCHED_E2E_INSTANCE: name,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${stderr}`)), 20000);
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) {
        clearTimeout(timer);
        resolveReady(child);
      }
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}: ${stderr}`)));
  });
}

function stopInstance(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveExit) => {
    child.once('exit', () => resolveExit());
    child.kill('SIGTERM');
  });
}

/** Fires in slot order (the log is newest first). */
const chronological = (fires: ScheduleFire[]) => [...fires].reverse();

describe('SchedulerModule across three processes (real Redis)', () => {
  const prefix = uniquePrefix('sched-mp');
  let app: INestApplicationContext;
  let scheduler: SchedulerService;
  let queue: QueueService;
  let children: ChildProcess[] = [];
  let scheduleId: string;

  const startAll = async (round: number) => {
    children = await Promise.all(
      [1, 2, 3].map((n) => spawnInstance(prefix, `instance-${n}.${round}`)),
    );
  };
  const stopAll = async () => {
    await Promise.all(children.map(stopInstance));
    children = [];
  };

  beforeAll(async () => {
    // The schedules' custom template: a worker with an `echo` handler serves the queue.
    await declareHandledJobTypes(url, prefix, ['custom:echo']);
    const moduleRef = await Test.createTestingModule({
      imports: [
        QueueModule.forRoot({ isGlobal: true, redisUrl: url, prefix, worker: { poolSize: 0 } }),
        SchedulerModule.forRoot({ redisUrl: url, prefix, enabled: false }),
      ],
    }).compile();
    app = await moduleRef.init();
    scheduler = app.get(SchedulerService);
    queue = app.get(QueueService);
    await startAll(1);
  }, 30000);

  afterAll(async () => {
    await stopAll();
    await app?.close();
    await deleteKeysWithPrefix(url, prefix);
  });

  it('fires a one-second schedule exactly once per slot for 20 s, none missed', async () => {
    const created = await scheduler.create({
      name: 'every second',
      cronExpression: '* * * * * *',
      jobTemplate: { type: 'custom', jobName: 'echo', payload: { from: 'schedule' } },
      metadata: { suite: 'multi-process' },
    });
    scheduleId = created.id;
    const first = created.nextExecutionAt!.getTime();
    await sleep(first + 20_400 - Date.now());
    // Stop firing before counting, so the schedule, the log and the queue are compared at rest.
    await scheduler.update(scheduleId, { enabled: false });
    await sleep(300);

    const fires = chronological(await scheduler.fires(scheduleId, 1000));
    const schedule = await scheduler.get(scheduleId);
    expect(fires.length).toBeGreaterThanOrEqual(20);
    expect(schedule.executionCount).toBe(fires.length);
    fires.forEach((fire, i) => {
      expect(fire.slot!.getTime()).toBe(first + i * 1000);
      expect(fire.executionCount).toBe(i + 1);
      expect(fire.jobId).toEqual(expect.any(String));
      // Fired before the next slot came, so no slot was merged into a late one.
      expect(fire.firedAt.getTime() - fire.slot!.getTime()).toBeLessThan(1000);
    });
    expect(new Set(fires.map((f) => f.jobId)).size).toBe(fires.length);

    // The queue holds exactly one job per slot, each carrying the schedule's metadata.
    const jobs = await queue.listJobs({ search: scheduleId, limit: 500 });
    expect(jobs.total).toBe(fires.length);
    const byCount = new Map(jobs.jobs.map((job) => [job.metadata['execution_count'], job]));
    fires.forEach((fire, i) => {
      const job = byCount.get(i + 1)!;
      expect(job.jobId).toBe(fire.jobId);
      expect(job.jobType).toEqual({
        type: 'custom',
        jobName: 'echo',
        payload: { from: 'schedule' },
      });
      expect(job.metadata).toEqual({
        suite: 'multi-process',
        scheduled_job_id: scheduleId,
        scheduled_job_name: 'every second',
        execution_count: i + 1,
        scheduled_for: fire.slot!.toISOString(),
        scheduled_fire_id: `${scheduleId}:${fire.slot!.getTime()}`,
      });
    });
  }, 40000);

  it('keeps schedules across a restart of every process; the missed slots fire once, late', async () => {
    await scheduler.update(scheduleId, { enabled: true });
    await waitFor(
      () => scheduler.get(scheduleId),
      (s) => s.executionCount >= 22,
      { timeoutMs: 5000, what: 'fires to resume' },
    );
    const stopRequestedAt = Date.now();
    await stopAll();
    const stoppedAt = Date.now();
    await sleep(2000);
    await startAll(2);
    const restartedAt = Date.now();
    await waitFor(
      () => scheduler.fires(scheduleId, 1000),
      (fires) => fires.some((f) => f.firedAt.getTime() > restartedAt + 1500),
      { timeoutMs: 10000, what: 'fires after the restart' },
    );
    const fires = chronological(await scheduler.fires(scheduleId, 1000));
    fires.forEach((fire, i) => expect(fire.executionCount).toBe(i + 1));
    const slots = fires.map((f) => f.slot!.getTime());
    expect(new Set(slots).size).toBe(slots.length);
    // The first fire after the restart is the slot that was pending when the last process
    // stopped, fired late; it stands for every slot missed while no process ran.
    const after = fires.filter((f) => f.firedAt.getTime() > stoppedAt);
    expect(after.length).toBeGreaterThanOrEqual(3);
    const [late, next] = after;
    expect(late.slot!.getTime()).toBeGreaterThan(stopRequestedAt - 1000);
    expect(late.slot!.getTime()).toBeLessThanOrEqual(stoppedAt + 1000);
    expect(late.firedAt.getTime()).toBeGreaterThanOrEqual(stoppedAt + 2000);
    // No catch-up: the next fire is a slot after the late one was fired, not a missed one.
    expect(next.slot!.getTime()).toBeGreaterThan(late.firedAt.getTime() - 1000);
    const jobs = await queue.listJobs({ search: scheduleId, limit: 1 });
    expect(jobs.total).toBeGreaterThanOrEqual(fires.length);
    expect(jobs.total).toBeLessThanOrEqual(fires.length + 1);
  }, 40000);

  it('leaves no old slot firing after PATCH of the cron, disable and delete', async () => {
    await scheduler.update(scheduleId, { cronExpression: '*/2 * * * * *' });
    const patchedAt = Date.now();
    await sleep(4500);
    const fires = (await scheduler.fires(scheduleId, 50)).filter(
      (f) => f.firedAt.getTime() > patchedAt,
    );
    expect(fires.length).toBeGreaterThanOrEqual(2);
    for (const fire of fires) expect(fire.slot!.getTime() % 2000).toBe(0);

    await scheduler.update(scheduleId, { enabled: false });
    const disabled = await scheduler.get(scheduleId);
    expect(disabled.nextExecutionAt).toBeNull();
    await sleep(2500);
    expect((await scheduler.get(scheduleId)).executionCount).toBe(disabled.executionCount);

    const enabled = await scheduler.update(scheduleId, {
      enabled: true,
      cronExpression: '* * * * * *',
    });
    expect(enabled.nextExecutionAt!.getTime()).toBeGreaterThan(Date.now() - 1000);
    await waitFor(
      () => scheduler.get(scheduleId),
      (s) => s.executionCount > disabled.executionCount,
      { timeoutMs: 3000, what: 'enabled schedule to fire' },
    );

    await scheduler.remove(scheduleId);
    const deletedAt = Date.now();
    await sleep(2000);
    const jobs = await queue.listJobs({ search: scheduleId, limit: 500 });
    const newer = jobs.jobs.filter((job) => job.createdAt.getTime() > deletedAt + 100);
    expect(newer).toEqual([]);
    await expect(scheduler.get(scheduleId)).rejects.toThrow(`Schedule ${scheduleId} not found`);
  }, 30000);
});
