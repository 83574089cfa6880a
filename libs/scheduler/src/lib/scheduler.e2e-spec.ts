import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { QueueModule, QueueService } from '@riptide/queue';
import { QueueUnavailableError } from '@riptide/redis';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix, waitFor } from '@riptide/testing';
import { declareHandledJobTypes } from '@riptide/queue/testing';
import { ScheduleLimitError } from './errors/schedule-limit.error';
import { ScheduleNotFoundError } from './errors/schedule-not-found.error';
import { ScheduleValidationError } from './errors/schedule-validation.error';
import { ScriptedSchedulerRedis } from './redis/scheduler-scripts';
import { ScheduleInput } from './schedule.interface';
import { SchedulerModuleOptions } from './scheduler-options.interface';
import { SCHEDULER_REDIS } from './scheduler.constants';
import { SchedulerModule } from './scheduler.module';
import { SchedulerService } from './scheduler.service';
import { ScheduleRunner } from './schedule-runner.service';
import { SlotFirer } from './slot-firer.service';

const url = testRedisUrl();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SchedulerModule (real Redis)', () => {
  let prefix: string;
  const apps: INestApplicationContext[] = [];

  async function boot(options: Partial<SchedulerModuleOptions> = {}) {
    const moduleRef = await Test.createTestingModule({
      imports: [
        QueueModule.forRoot({ isGlobal: true, redisUrl: url, prefix, worker: { poolSize: 0 } }),
        SchedulerModule.forRoot({
          redisUrl: url,
          prefix,
          enabled: false,
          instanceId: 'test',
          ...options,
        }),
      ],
    }).compile();
    const app = await moduleRef.init();
    apps.push(app);
    return { app, scheduler: app.get(SchedulerService), queue: app.get(QueueService) };
  }

  const input = (more: Partial<ScheduleInput> = {}): ScheduleInput => ({
    name: 'nightly crawl',
    cronExpression: '0 3 * * *',
    jobTemplate: { type: 'single_crawl', url: 'https://example.com/' },
    ...more,
  });

  beforeEach(async () => {
    prefix = uniquePrefix('sched');
    // The schedules' custom template: a worker with an `echo` handler serves the queue.
    await declareHandledJobTypes(url, prefix, ['custom:echo']);
  });

  afterEach(async () => {
    while (apps.length) await apps.pop()!.close();
    await deleteKeysWithPrefix(url, prefix);
  });

  it('creates, lists, reads and deletes schedules with every default applied', async () => {
    const { scheduler } = await boot();
    const before = Date.now();
    const created = await scheduler.create(
      input({ timezone: 'europe/berlin', metadata: { team: 'seo' } }),
    );
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'nightly crawl',
      cronExpression: '0 3 * * *',
      jobTemplate: { type: 'single_crawl', url: 'https://example.com/' },
      priority: 'Normal',
      enabled: true,
      retryConfig: {},
      metadata: { team: 'seo' },
      timeoutSecs: null,
      timezone: 'Europe/Berlin',
      overlap: 'allow',
      tenant: 'default',
      createdAt: expect.any(Date),
      lastExecutedAt: null,
      nextExecutionAt: expect.any(Date),
      executionCount: 0,
      skippedCount: 0,
      lastJobId: null,
    });
    expect(created.createdAt.getTime()).toBeGreaterThanOrEqual(before);
    const next = created.nextExecutionAt!;
    expect(next.getTime()).toBeGreaterThan(before);
    expect(next.getTime()).toBeLessThanOrEqual(before + 24 * 3600_000);
    expect(
      next.toLocaleString('en-GB', {
        timeZone: 'Europe/Berlin',
        hour: '2-digit',
        minute: '2-digit',
      }),
    ).toBe('03:00');

    const second = await scheduler.create(
      input({ name: 'hourly', cronExpression: '@hourly', enabled: false }),
    );
    expect(second.nextExecutionAt).toBeNull();
    expect((await scheduler.list()).map((s) => s.name)).toEqual(['nightly crawl', 'hourly']);
    expect(await scheduler.get(created.id)).toEqual(created);

    await scheduler.remove(created.id);
    await expect(scheduler.get(created.id)).rejects.toThrow(ScheduleNotFoundError);
    await expect(scheduler.remove(created.id)).rejects.toThrow(`Schedule ${created.id} not found`);
    await expect(scheduler.get('not-a-uuid')).rejects.toThrow(ScheduleNotFoundError);
    expect((await scheduler.list()).map((s) => s.id)).toEqual([second.id]);
  });

  it('refuses invalid definitions with every problem listed', async () => {
    const { scheduler } = await boot({ minIntervalSecs: 10 });
    const error = await scheduler
      .create(
        input({
          name: ' ',
          cronExpression: '* * * * * *',
          timezone: 'Mars/Olympus',
          jobTemplate: { type: 'single_crawl', url: 'ftp://x' },
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScheduleValidationError);
    expect((error as ScheduleValidationError).problems).toEqual([
      'name must be a non-empty string',
      'timezone "Mars/Olympus" is not a known IANA time zone (for example "UTC", "Europe/Berlin", "America/New_York")',
      'cronExpression fires every 1 second(s) at times; the minimum interval is 10 second(s) (SCHEDULER_MIN_INTERVAL_SECS)',
      expect.stringMatching(/^jobTemplate\.url /),
    ]);
    expect(scheduler.validate(input({ cronExpression: '0 0 31 2 *' }))).toEqual([
      'cronExpression is invalid: Invalid explicit day of month definition',
    ]);
    expect(await scheduler.list()).toEqual([]);
  });

  it('refuses a schedule beyond maxSchedules', async () => {
    const { scheduler } = await boot({ maxSchedules: 2 });
    await scheduler.create(input());
    await scheduler.create(input());
    const error = await scheduler.create(input()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScheduleLimitError);
    expect((error as Error).message).toBe(
      'Schedule limit reached: at most 2 schedules may exist (SCHEDULER_MAX_SCHEDULES); delete one or raise the limit',
    );
    expect(await scheduler.list()).toHaveLength(2);
  });

  it('updates fields; a new cron or time zone restarts the slot sequence', async () => {
    const { scheduler } = await boot();
    const created = await scheduler.create(input());
    const renamed = await scheduler.update(created.id, {
      priority: 'High',
      overlap: 'skip',
      retryConfig: { maxAttempts: 5 },
    });
    expect(renamed).toEqual({
      ...created,
      priority: 'High',
      overlap: 'skip',
      retryConfig: { maxAttempts: 5 },
    });
    const moved = await scheduler.update(created.id, {
      cronExpression: '30 14 * * *',
      timezone: 'America/New_York',
    });
    expect(
      moved.nextExecutionAt!.toLocaleString('en-GB', {
        timeZone: 'America/New_York',
        hour: '2-digit',
        minute: '2-digit',
      }),
    ).toBe('14:30');
    const disabled = await scheduler.update(created.id, { enabled: false });
    expect(disabled).toMatchObject({ enabled: false, nextExecutionAt: null });
    const enabled = await scheduler.update(created.id, { enabled: true });
    expect(enabled.nextExecutionAt).toEqual(moved.nextExecutionAt);
    await expect(scheduler.update(created.id, { cronExpression: 'every minute' })).rejects.toThrow(
      'Invalid schedule: cronExpression must have 5 fields (minute hour day-of-month month day-of-week), 6 with leading seconds, or be a macro',
    );
    await expect(
      scheduler.update('7d1c2f1e-0000-4000-8000-000000000000', { enabled: false }),
    ).rejects.toThrow(ScheduleNotFoundError);
  });

  it('triggers a run now, counted and logged, with the schedule metadata', async () => {
    const { scheduler, queue } = await boot();
    const created = await scheduler.create(
      input({ metadata: { team: 'seo' }, priority: 'Critical', timeoutSecs: 30 }),
    );
    const { jobId } = await scheduler.trigger(created.id);
    const job = await queue.getJob(jobId);
    expect(job).toMatchObject({
      status: 'Pending',
      priority: 'Critical',
      timeoutSecs: 30,
      jobType: { type: 'single_crawl', url: 'https://example.com/' },
      metadata: {
        team: 'seo',
        scheduled_job_id: created.id,
        scheduled_job_name: 'nightly crawl',
        execution_count: 1,
      },
    });
    const after = await scheduler.get(created.id);
    expect(after).toMatchObject({
      executionCount: 1,
      lastJobId: jobId,
      nextExecutionAt: created.nextExecutionAt,
    });
    expect(after.lastExecutedAt).toEqual(expect.any(Date));
    expect(await scheduler.fires(created.id)).toEqual([
      { slot: null, executionCount: 1, jobId, firedAt: expect.any(Date), instanceId: 'test' },
    ]);
    await expect(scheduler.trigger('7d1c2f1e-0000-4000-8000-000000000000')).rejects.toThrow(
      ScheduleNotFoundError,
    );
  });

  it('fires due slots; overlap "skip" passes over slots while the last job is still pending', async () => {
    const { scheduler } = await boot({ enabled: true });
    const allow = await scheduler.create(
      input({
        name: 'allow',
        cronExpression: '* * * * * *',
        jobTemplate: { type: 'custom', jobName: 'echo' },
      }),
    );
    const skip = await scheduler.create(
      input({
        name: 'skip',
        cronExpression: '* * * * * *',
        jobTemplate: { type: 'custom', jobName: 'echo' },
        overlap: 'skip',
      }),
    );
    await sleep(3300);
    const [a, s] = await Promise.all([scheduler.get(allow.id), scheduler.get(skip.id)]);
    expect(a.executionCount).toBeGreaterThanOrEqual(3);
    expect(a.skippedCount).toBe(0);
    // No worker runs here, so the first job of "skip" stays Pending and every later slot is skipped.
    expect(s.executionCount).toBe(1);
    expect(s.skippedCount).toBeGreaterThanOrEqual(2);
    expect(s.nextExecutionAt!.getTime()).toBeGreaterThan(Date.now() - 1000);
  });

  it('submits the job of a slot whose claimer died, once, after its lease', async () => {
    const { scheduler, queue, app } = await boot({ claimLeaseMs: 200 });
    const redis = app.get<ScriptedSchedulerRedis>(SCHEDULER_REDIS);
    const created = await scheduler.create(
      input({ cronExpression: '* * * * * *', jobTemplate: { type: 'custom', jobName: 'echo' } }),
    );
    const k = scheduler.keys;
    // A process claims two slots and dies: before submitting the first, after submitting the second.
    const claim = async () => {
      const [nextAt, slotVersion] = await redis.hmget(
        k.schedule(created.id),
        'next_at',
        'slot_version',
      );
      await sleep(Number(nextAt) - Date.now() + 5);
      const now = Date.now();
      const reply = await redis.schedClaim(
        k.schedule(created.id),
        k.due,
        k.claims,
        created.id,
        nextAt!,
        slotVersion!,
        Number(nextAt) + 1000,
        now,
        now + 200,
        'fire',
      );
      return { slot: Number(nextAt), count: Number(reply[0]) };
    };
    const lost = await claim();
    const half = await claim();
    const submitted = await queue.submit({
      jobType: { type: 'custom', jobName: 'echo' },
      metadata: { scheduled_job_id: created.id, scheduled_fire_id: `${created.id}:${half.slot}` },
    });
    await redis.hset(k.schedule(created.id), 'enabled', '0');
    await sleep(250);

    expect(await app.get(SlotFirer).recoverClaims()).toBe(2);
    expect(await app.get(SlotFirer).recoverClaims()).toBe(0);
    const fires = await scheduler.fires(created.id);
    expect(fires.map((f) => [f.slot!.getTime(), f.executionCount]).sort()).toEqual([
      [lost.slot, lost.count],
      [half.slot, half.count],
    ]);
    expect(fires.find((f) => f.slot!.getTime() === half.slot)!.jobId).toBe(submitted.jobId);
    const jobs = await queue.listJobs({ search: created.id });
    expect(jobs.total).toBe(2);
    const recovered = await queue.getJob(
      fires.find((f) => f.slot!.getTime() === lost.slot)!.jobId!,
    );
    expect(recovered.metadata).toMatchObject({
      scheduled_job_id: created.id,
      execution_count: lost.count,
      scheduled_for: new Date(lost.slot).toISOString(),
    });
  });

  it('answers QueueUnavailableError quickly when Redis is unreachable, and reports unhealthy', async () => {
    const { scheduler, app } = await boot({
      redisUrl: 'redis://127.0.0.1:1',
      commandTimeoutMs: 300,
    });
    const started = Date.now();
    await expect(scheduler.list()).rejects.toBeInstanceOf(QueueUnavailableError);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await app.get(ScheduleRunner).checkHealth()).toEqual({
      healthy: false,
      details: {
        fires_here: false,
        running: false,
        message: 'Queue storage (Redis) is unavailable; try again shortly',
      },
    });
  });

  it('with replicaWait, answers QueueUnavailableError when too few replicas confirm a schedule write', async () => {
    // The test Redis has no replicas: WAIT 1 times out, so the creation is not acknowledged.
    const { scheduler } = await boot({ replicaWait: { replicas: 1, timeoutMs: 200 } });
    await expect(scheduler.create(input())).rejects.toBeInstanceOf(QueueUnavailableError);
    const { scheduler: unwaited } = await boot({ replicaWait: { replicas: 0 } });
    await expect(unwaited.create(input())).resolves.toMatchObject({ name: 'nightly crawl' });
  });

  it('reports health: schedules, whether this process fires them, overdue slots', async () => {
    const firing = await boot({ enabled: true });
    const idle = await boot();
    await firing.scheduler.create(input({ cronExpression: '@hourly' }));
    expect(await firing.app.get(ScheduleRunner).checkHealth()).toEqual({
      healthy: true,
      details: { schedules: 1, fires_here: true, running: true, overdue_ms: 0 },
    });
    expect(await idle.app.get(ScheduleRunner).checkHealth()).toEqual({
      healthy: true,
      details: { schedules: 1, fires_here: false, running: false, overdue_ms: 0 },
    });
  });

  it('validates the job template with the queue rules', async () => {
    const { scheduler } = await boot();
    expect(
      scheduler.validate(input({ jobTemplate: { type: 'batch_crawl', urls: [] } }), (p) =>
        p.toUpperCase(),
      ),
    ).toEqual(['JOBTEMPLATE.URLS must be an array of 1 to 50 URLs']);
    await expect(scheduler.create(input({ timeoutSecs: 0 }))).rejects.toThrow(
      ScheduleValidationError,
    );
  });

  it('refuses a template of a custom job type that no worker of the queue has registered, on create and on update', async () => {
    const { scheduler } = await boot();
    const unhandled =
      "no worker handles custom job type 'nobody'; start a worker with a handler for it";
    const error = await scheduler
      .create(input({ jobTemplate: { type: 'custom', jobName: 'nobody' } }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScheduleValidationError);
    expect((error as ScheduleValidationError).problems).toEqual([unhandled]);
    const created = await scheduler.create(
      input({ jobTemplate: { type: 'custom', jobName: 'echo' } }),
    );
    const refused = await scheduler
      .update(created.id, { jobTemplate: { type: 'custom', jobName: 'nobody' } })
      .catch((e: unknown) => e);
    expect((refused as ScheduleValidationError).problems).toEqual([unhandled]);
    expect((await scheduler.get(created.id)).jobTemplate).toEqual({
      type: 'custom',
      jobName: 'echo',
    });
  });

  it('keeps firing state in Redis for every process to see', async () => {
    const one = await boot({ enabled: true });
    const two = await boot();
    const created = await one.scheduler.create(
      input({ cronExpression: '* * * * * *', jobTemplate: { type: 'custom', jobName: 'echo' } }),
    );
    const seen = await waitFor(
      () => two.scheduler.get(created.id),
      (s) => s.executionCount >= 2,
      { timeoutMs: 4000, what: 'fires seen by another process' },
    );
    expect(seen.lastJobId).toEqual(expect.any(String));
  });
});
