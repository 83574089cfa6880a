import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HOST_LOCK_FILE, findFreePort } from '@riptide/host';
import { waitFor } from '@riptide/testing';
import {
  LifecycleHarness,
  RunningHost,
  hostEnv,
  redisDirOf,
  statusOf,
} from './lifecycle-test.util';
import { isRunning, pidsWithCommandLine, redisServersIn, waitForExit } from './test-app.util';

/** Submits a quick job and returns its id. */
async function submitJob(host: RunningHost): Promise<string> {
  const response = await fetch(`${host.baseUrl}/workers/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ job_type: { type: 'maintenance', task_type: 'health_check' } }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { job_id: string }).job_id;
}

async function jobIdOf(host: RunningHost, jobId: string): Promise<unknown> {
  const response = await fetch(`${host.baseUrl}/workers/jobs/${jobId}`);
  return response.status === 200
    ? ((await response.json()) as { job_id: string }).job_id
    : response.status;
}

describe('Host lifecycle: the embedded redis-server', () => {
  const harness = new LifecycleHarness();

  afterEach(async () => {
    await harness.cleanUp();
  });

  it('never runs two redis-servers on one data folder: a second host is refused, and after a SIGKILL the next one takes over with the data', async () => {
    const dataDir = harness.newDataDir();
    const first = await harness.boot(dataDir);
    const jobId = await submitJob(first);
    const second = harness.start(hostEnv(dataDir, await findFreePort()));
    await waitForExit(second.child);
    expect(second.child.exitCode).toBe(78);
    expect(second.output()).toContain(
      `The data folder ${redisDirOf(dataDir)} is in use by another RipTide host (pid ${first.child.pid}`,
    );
    expect(redisServersIn(redisDirOf(dataDir))).toHaveLength(1);

    first.child.kill('SIGKILL');
    await waitForExit(first.child);
    // No handler of the host runs on SIGKILL; its watchdog stops the server.
    await waitFor(
      () => redisServersIn(redisDirOf(dataDir)).length,
      (count) => count === 0,
      { timeoutMs: 5000, what: 'the orphaned redis-server to stop' },
    );
    const next = await harness.boot(dataDir);
    expect(redisServersIn(redisDirOf(dataDir))).toHaveLength(1);
    expect(
      JSON.parse(readFileSync(join(redisDirOf(dataDir), HOST_LOCK_FILE), 'utf8')),
    ).toMatchObject({ host: { pid: next.child.pid } });
    expect(await jobIdOf(next, jobId)).toBe(jobId);
  });

  it('stops a redis-server left running by a host that is gone before it starts its own on the same folder', async () => {
    const dataDir = harness.newDataDir();
    const first = await harness.boot(dataDir);
    const jobId = await submitJob(first);
    const [leftover] = redisServersIn(redisDirOf(dataDir));
    // The host and its watchdog die together, as if the whole machine's process tree was torn down but this server.
    const watchdogs = pidsWithCommandLine(`riptide-watchdog ${leftover}`);
    expect(watchdogs).toHaveLength(1);
    for (const pid of [...watchdogs, first.child.pid!]) process.kill(pid, 'SIGKILL');
    await waitForExit(first.child);
    expect(isRunning(leftover)).toBe(true);
    const next = await harness.boot(dataDir);
    expect(isRunning(leftover)).toBe(false);
    expect(next.output()).toContain(
      `stopped redis-server pid ${leftover}, left running in ${redisDirOf(dataDir)} by a host that is gone`,
    );
    expect(redisServersIn(redisDirOf(dataDir))).toHaveLength(1);
    expect(await jobIdOf(next, jobId)).toBe(jobId);
  });

  it('restarts its redis-server on the same port when it dies, says so in its log, /metrics and /health, and serves again', async () => {
    const dataDir = harness.newDataDir();
    const host = await harness.boot(dataDir);
    const jobId = await submitJob(host);
    const [crashed] = redisServersIn(redisDirOf(dataDir));
    const { port } = JSON.parse(
      readFileSync(join(redisDirOf(dataDir), HOST_LOCK_FILE), 'utf8'),
    ) as { port: number };
    process.kill(crashed, 'SIGKILL');
    await waitFor(
      () => redisServersIn(redisDirOf(dataDir)),
      (pids) => pids.length === 1 && pids[0] !== crashed,
      { timeoutMs: 10000, what: 'a new redis-server' },
    );
    await waitFor(
      () => statusOf(`${host.baseUrl}/health`),
      (status) => status === 200,
      { timeoutMs: 10000, what: 'health to recover' },
    );
    expect(host.output()).toContain(
      `embedded redis-server on port ${port} exited unexpectedly (signal SIGKILL); restarting it`,
    );
    // Clients reconnect as soon as the port answers; the host logs the restart once its own readiness check passed, a moment later.
    const restarted = `restarted the embedded redis-server on port ${port} (restart 1, data in ${redisDirOf(dataDir)})`;
    await waitFor(
      () => host.output(),
      (output) => output.includes(restarted),
      { timeoutMs: 10000, what: 'the restart to be logged' },
    );
    const metrics = await (await fetch(`${host.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^riptide_embedded_redis_restarts_total 1$/m);
    expect(metrics).toMatch(/^riptide_embedded_redis_up 1$/m);
    const health = (await (await fetch(`${host.baseUrl}/health`)).json()) as {
      details: { redis: Record<string, unknown> };
    };
    expect(health.details.redis).toMatchObject({
      status: 'up',
      embedded_server: { running: true, restarts: 1, last_restart_at: expect.any(String) },
    });
    expect(await jobIdOf(host, jobId)).toBe(jobId);
    expect(await submitJob(host)).toEqual(expect.any(String));
  });
});
