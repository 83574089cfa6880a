import { join } from 'node:path';
import { findFreePort } from '@riptide/host';
import { waitFor } from '@riptide/testing';
import { LifecycleHarness, hostEnv, timeToExit } from './lifecycle-test.util';

const workspace = join(__dirname, '../../../..');

/** Every line of a host's output, parsed; a line that is not JSON fails the test, naming it. */
function jsonLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
    });
}

/** The built hosts, as an operator starts them: their logs are JSON lines from the very first. */
describe('Host logs', () => {
  const harness = new LifecycleHarness();

  afterEach(async () => {
    await harness.cleanUp();
  });

  it('the API host writes JSON from its first line (starting its embedded Redis) to its last', async () => {
    const dataDir = harness.newDataDir();
    const host = harness.start({ ...hostEnv(dataDir, await findFreePort()), LOG_LEVEL: 'info' });
    await waitFor(
      () => host.output(),
      (output) => output.includes('listening on'),
      { timeoutMs: 20000, intervalMs: 100, what: 'the API host to listen' },
    );
    await timeToExit(host.child, () => process.kill(host.child.pid!, 'SIGTERM'));
    const lines = jsonLines(host.output());
    expect(lines[0]).toEqual(
      expect.objectContaining({
        level: 30,
        context: 'riptide-api',
        msg: expect.stringMatching(/^started embedded redis-server on /),
      }),
    );
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines)
      expect(line).toEqual(
        expect.objectContaining({
          level: expect.any(Number),
          time: expect.any(Number),
          msg: expect.any(String),
        }),
      );
  });

  it('so does the headless worker host', async () => {
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
    await timeToExit(worker.child, () => process.kill(worker.child.pid!, 'SIGTERM'));
    const lines = jsonLines(worker.output());
    expect(lines[0]).toEqual(
      expect.objectContaining({
        level: 30,
        context: 'riptide-worker',
        msg: expect.stringMatching(/^started embedded redis-server on /),
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        context: 'riptide-worker',
        msg: 'worker running 4 concurrent jobs',
      }),
    );
  });
});
