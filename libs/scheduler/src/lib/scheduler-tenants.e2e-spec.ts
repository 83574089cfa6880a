import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { QueueModule, QueueService } from '@riptide/queue';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix, waitFor } from '@riptide/testing';
import { declareHandledJobTypes } from '@riptide/queue/testing';
import { randomUUID } from 'node:crypto';
import { ScheduleNotFoundError } from './errors/schedule-not-found.error';
import { ScheduleValidationError } from './errors/schedule-validation.error';
import { TenantScheduleQuotaError } from './errors/tenant-schedule-quota.error';
import { ScriptedSchedulerRedis } from './redis/scheduler-scripts';
import { ScheduleInput, ScheduleUpdate } from './schedule.interface';
import { SchedulerModuleOptions } from './scheduler-options.interface';
import { SCHEDULER_REDIS } from './scheduler.constants';
import { SchedulerModule } from './scheduler.module';
import { SchedulerService } from './scheduler.service';

const url = testRedisUrl();

describe('SchedulerService tenant isolation (real Redis)', () => {
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
    name: 'nightly',
    cronExpression: '0 3 * * *',
    jobTemplate: { type: 'custom', jobName: 'echo' },
    ...more,
  });

  /** Expects exactly what an unknown id gets: ScheduleNotFoundError, same message with this id. */
  async function expectUnknown(
    scheduler: SchedulerService,
    attempt: Promise<unknown>,
    id: string,
  ): Promise<void> {
    // Handled at once: a rejection left unhandled while the reference is read fails the test.
    const settled = attempt.then(
      () => new Error('expected ScheduleNotFoundError, but it succeeded'),
      (e: unknown) => e,
    );
    const unknownId = randomUUID();
    const reference = (await scheduler.get(unknownId).catch((e: unknown) => e)) as Error;
    const error = await settled;
    expect(error).toBeInstanceOf(ScheduleNotFoundError);
    expect((error as Error).name).toBe(reference.name);
    expect((error as Error).message).toBe(reference.message.replace(unknownId, id));
  }

  beforeEach(async () => {
    prefix = uniquePrefix('sched-tenants');
    // The schedules' custom template: a worker with an `echo` handler serves the queue.
    await declareHandledJobTypes(url, prefix, ['custom:echo']);
  });

  afterEach(async () => {
    while (apps.length) await apps.pop()!.close();
    await deleteKeysWithPrefix(url, prefix);
  });

  it("stores the tenant (default `default`); lists and reads only the scope's schedules", async () => {
    const { scheduler } = await boot();
    const a = await scheduler.create(input({ name: 'of a', tenant: 'a' }));
    const b = await scheduler.create(input({ name: 'of b', tenant: 'b' }));
    const plain = await scheduler.create(input({ name: 'plain' }));
    expect([a.tenant, b.tenant, plain.tenant]).toEqual(['a', 'b', 'default']);

    expect((await scheduler.list({ tenant: 'a' })).map((s) => s.id)).toEqual([a.id]);
    expect((await scheduler.list({ tenant: 'default' })).map((s) => s.id)).toEqual([plain.id]);
    expect((await scheduler.list({ tenant: 'c' })).map((s) => s.id)).toEqual([]);
    expect((await scheduler.list({ tenant: '' })).map((s) => s.id)).toEqual([]);
    expect((await scheduler.list()).map((s) => s.id)).toEqual([a.id, b.id, plain.id]);

    expect(await scheduler.get(a.id, { tenant: 'a' })).toEqual(a);
    expect(await scheduler.get(a.id)).toEqual(a);
    await expectUnknown(scheduler, scheduler.get(a.id, { tenant: 'b' }), a.id);
    expect(await scheduler.find(a.id, { tenant: 'b' })).toBeNull();
  });

  it("refuses to update or remove another tenant's schedule and leaves it as it was", async () => {
    const { scheduler } = await boot();
    const a = await scheduler.create(input({ tenant: 'a' }));

    await expectUnknown(
      scheduler,
      scheduler.update(a.id, { priority: 'High', enabled: false }, undefined, { tenant: 'b' }),
      a.id,
    );
    expect(await scheduler.get(a.id)).toEqual(a);
    await expectUnknown(scheduler, scheduler.remove(a.id, { tenant: 'b' }), a.id);
    expect(await scheduler.get(a.id)).toEqual(a);

    const updated = await scheduler.update(a.id, { priority: 'High' }, undefined, { tenant: 'a' });
    expect(updated).toMatchObject({ priority: 'High', tenant: 'a' });
    // The owner never changes, even when an untyped caller slips a tenant into the change.
    const sneaky: ScheduleUpdate = {
      name: 'moved',
      // @ts-expect-error the tenant is fixed at create, so a change has no such field
      tenant: 'b',
    };
    expect(await scheduler.update(a.id, sneaky)).toMatchObject({ name: 'moved', tenant: 'a' });
    expect((await scheduler.list({ tenant: 'b' })).length).toBe(0);

    await scheduler.remove(a.id, { tenant: 'a' });
    await expectUnknown(scheduler, scheduler.get(a.id), a.id);
  });

  it("triggers only for the owner, and the job belongs to the schedule's tenant", async () => {
    const { scheduler, queue } = await boot();
    const a = await scheduler.create(input({ tenant: 'a' }));

    await expectUnknown(scheduler, scheduler.trigger(a.id, { tenant: 'b' }), a.id);
    expect(await scheduler.get(a.id)).toMatchObject({
      executionCount: 0,
      lastExecutedAt: null,
      lastJobId: null,
    });
    expect((await queue.listJobs({})).total).toBe(0);

    const { jobId } = await scheduler.trigger(a.id, { tenant: 'a' });
    expect((await queue.getJob(jobId)).tenant).toBe('a');
    expect(await queue.findJob(jobId, { tenant: 'b' })).toBeNull();
    expect((await queue.listJobs({ tenant: 'a' })).jobs.map((j) => j.jobId)).toEqual([jobId]);
    expect(await scheduler.fires(a.id, 10, { tenant: 'a' })).toEqual([
      expect.objectContaining({ jobId, slot: null }),
    ]);
    expect(await scheduler.fires(a.id, 10, { tenant: 'b' })).toEqual([]);
    expect(await scheduler.fires(a.id, 10)).toHaveLength(1);
  });

  it("submits the jobs of fired slots for the schedule's tenant", async () => {
    const { scheduler, queue } = await boot({ enabled: true });
    const a = await scheduler.create(input({ cronExpression: '* * * * * *', tenant: 'a' }));
    const fired = await waitFor(
      () => scheduler.get(a.id),
      (s) => s.lastJobId !== null,
      { timeoutMs: 4000, what: 'a fired slot' },
    );
    const job = await queue.getJob(fired.lastJobId!);
    expect(job).toMatchObject({ tenant: 'a', metadata: { scheduled_job_id: a.id } });
    expect((await queue.listJobs({ tenant: 'default' })).total).toBe(0);
    expect((await queue.listJobs({ tenant: 'a' })).total).toBeGreaterThanOrEqual(1);
  });

  it('refuses an invalid tenant name', async () => {
    const { scheduler } = await boot();
    const error = await scheduler.create(input({ tenant: 'Team A' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScheduleValidationError);
    expect((error as ScheduleValidationError).problems).toEqual([
      expect.stringMatching(/^tenant must match \[a-z0-9\]/),
    ]);
    expect(scheduler.validate(input({ tenant: 'x'.repeat(64) }), (p) => p.toUpperCase())).toEqual([
      expect.stringMatching(/^TENANT must match /),
    ]);
    expect(await scheduler.list()).toEqual([]);
  });

  it('reads a schedule stored before tenants as `default`, and fires its jobs for `default`', async () => {
    const { scheduler, queue, app } = await boot();
    const created = await scheduler.create(input());
    const redis = app.get<ScriptedSchedulerRedis>(SCHEDULER_REDIS);
    const key = scheduler.keys.schedule(created.id);
    const def = JSON.parse((await redis.hget(key, 'def'))!) as Record<string, unknown>;
    delete def['tenant'];
    await redis.hset(key, 'def', JSON.stringify(def));

    expect(await scheduler.get(created.id, { tenant: 'default' })).toEqual(created);
    await expectUnknown(scheduler, scheduler.get(created.id, { tenant: 'a' }), created.id);
    const { jobId } = await scheduler.trigger(created.id, { tenant: 'default' });
    expect((await queue.getJob(jobId)).tenant).toBe('default');
  });

  it("refuses a schedule beyond its tenant's quota, atomically, without touching other tenants", async () => {
    const { scheduler } = await boot();
    await scheduler.create(input({ tenant: 'a' }), undefined, { maxSchedulesOfTenant: 2 });
    await scheduler.create(input({ tenant: 'a' }), undefined, { maxSchedulesOfTenant: 2 });
    await expect(
      scheduler.create(input({ tenant: 'a' }), undefined, { maxSchedulesOfTenant: 2 }),
    ).rejects.toBeInstanceOf(TenantScheduleQuotaError);
    await scheduler.create(input({ tenant: 'b' }), undefined, { maxSchedulesOfTenant: 2 });
    // Concurrent creations cannot overshoot: the count and the write are one script.
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, () =>
        scheduler.create(input({ tenant: 'c' }), undefined, { maxSchedulesOfTenant: 3 }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(3);
    expect((await scheduler.list({ tenant: 'c' })).length).toBe(3);
    // The admin path (no quota) is not limited by it.
    await scheduler.create(input({ tenant: 'a' }));
    expect((await scheduler.list({ tenant: 'a' })).length).toBe(3);
  });

  it('creates a schedule under an id the caller chose once, and answers a repeat with the same schedule', async () => {
    const { scheduler } = await boot();
    const id = randomUUID();
    const first = await scheduler.create(input({ tenant: 'a' }), undefined, { id });
    expect(first.id).toBe(id);
    const again = await scheduler.create(input({ tenant: 'a', name: 'other' }), undefined, { id });
    expect(again).toEqual(first);
    expect((await scheduler.list()).length).toBe(1);
    await expect(scheduler.create(input(), undefined, { id: 'not-a-uuid' })).rejects.toBeInstanceOf(
      ScheduleValidationError,
    );
  });
});
