import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOST_LOCK_FILE, findFreePort } from '@riptide/host';
import { waitFor } from '@riptide/testing';
import {
  EXIT_NOTICE_SLACK_MS,
  GRACE_MS,
  LifecycleHarness,
  hostEnv,
  lockOwnerOf,
  redisDirOf,
  statusOf,
  timeToExit,
} from './lifecycle-test.util';
import { isRunning, redisServersIn, waitForExit } from './test-app.util';

const workspace = join(__dirname, '../../../..');

/** The parent pid of a process (Linux /proc). */
function parentOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** The process group of a process (Linux /proc). */
function processGroupOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

describe('Host lifecycle: signals', () => {
  const harness = new LifecycleHarness();

  afterEach(async () => {
    await harness.cleanUp();
  });

  it('ends on Ctrl-C (SIGINT to its process group) within the grace period, stopping its redis-server last', async () => {
    const dataDir = harness.newDataDir();
    const host = await harness.boot(dataDir);
    const [redis] = redisServersIn(redisDirOf(dataDir));
    // Out of the terminal's process group: Ctrl-C reaches the host only, which stops the server itself.
    expect(processGroupOf(redis)).not.toBe(host.child.pid);
    const elapsed = await timeToExit(host.child, () => process.kill(-host.child.pid!, 'SIGINT'));
    expect(elapsed).toBeLessThan(GRACE_MS + EXIT_NOTICE_SLACK_MS);
    expect(isRunning(redis)).toBe(false);
    // The folder is free again for the next start.
    expect(existsSync(join(redisDirOf(dataDir), HOST_LOCK_FILE))).toBe(false);
    // Redis stayed up while the app closed its connections.
    expect(host.output()).not.toContain('ECONNREFUSED');
  });

  it('ends the headless worker host the same way on Ctrl-C, its redis-server last', async () => {
    const dataDir = harness.newDataDir();
    const worker = harness.start(
      { ...hostEnv(dataDir, await findFreePort()), LOG_LEVEL: 'info' },
      { file: process.execPath, args: [join(workspace, 'dist/apps/worker/main.js')] },
    );
    await waitFor(
      () => worker.output(),
      (output) => output.includes('worker running'),
      { timeoutMs: 20000, intervalMs: 100, what: 'the worker to run' },
    );
    const [redis] = redisServersIn(redisDirOf(dataDir));
    const elapsed = await timeToExit(worker.child, () =>
      process.kill(-worker.child.pid!, 'SIGINT'),
    );
    expect(elapsed).toBeLessThan(GRACE_MS + EXIT_NOTICE_SLACK_MS);
    expect(isRunning(redis)).toBe(false);
    expect(worker.output()).not.toContain('ECONNREFUSED');
  });

  it('exits within the grace period when its Redis does not answer (the redis-server stopped with SIGSTOP)', async () => {
    const dataDir = harness.newDataDir();
    const host = await harness.boot(dataDir);
    const [redis] = redisServersIn(redisDirOf(dataDir));
    process.kill(redis, 'SIGSTOP');
    const elapsed = await timeToExit(host.child, () => host.child.kill('SIGTERM'));
    expect(elapsed).toBeLessThan(GRACE_MS + EXIT_NOTICE_SLACK_MS);
    // Woken up and stopped rather than left frozen.
    await waitFor(
      () => isRunning(redis),
      (running) => !running,
      { timeoutMs: 3000, what: 'the stopped redis-server to be ended' },
    );
  });

  it('leaves nothing behind when `npm start` gets SIGTERM: npm, the host and its redis-server all end', async () => {
    const script = (
      JSON.parse(readFileSync(join(workspace, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts['start'];
    // npm forwards SIGTERM to its child; `exec` makes that child the host, not a shell that would die without passing it on.
    expect(script).toMatch(/^nx build api && exec node dist\/apps\/api\/main\.js$/);
    // The tests run on a fresh build, so the line runs here without its build step, in a copy of the workspace's shape.
    const project = mkdtempSync(join(tmpdir(), 'rt-npm-start-'));
    try {
      writeFileSync(
        join(project, 'package.json'),
        JSON.stringify({
          name: 'riptide-start',
          private: true,
          scripts: { start: script.slice(script.indexOf('&&') + 2).trim() },
        }),
      );
      symlinkSync(join(workspace, 'dist'), join(project, 'dist'));
      const dataDir = harness.newDataDir();
      const port = await findFreePort();
      const npm = harness.start(
        { ...hostEnv(dataDir, port), npm_config_update_notifier: 'false' },
        { file: 'npm', args: ['start', '--silent'], cwd: project },
      );
      await waitFor(
        () => statusOf(`http://127.0.0.1:${port}/health`),
        (status) => status === 200,
        { timeoutMs: 20000, intervalMs: 100, what: 'the host to serve' },
      );
      const node = lockOwnerOf(dataDir);
      expect(parentOf(node)).toBe(npm.child.pid);
      const [redis] = redisServersIn(redisDirOf(dataDir));
      npm.child.kill('SIGTERM');
      await waitForExit(npm.child);
      await waitFor(
        () => [node, redis].filter(isRunning),
        (running) => running.length === 0,
        { timeoutMs: GRACE_MS + 2000, what: 'the host and its redis-server to end' },
      );
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});
