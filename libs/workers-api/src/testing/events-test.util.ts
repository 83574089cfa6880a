// Helpers of the event stream specs: a real API process of its own.
import { spawnFixture } from './fixture-process.util';

export interface ApiProcess {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
}

/** Starts api-process.fixture.ts as a real Node process and waits until it serves. */
export function startApiProcess(settings: {
  redisUrl: string;
  prefix: string;
  adminKey: string;
}): Promise<ApiProcess> {
  const { child, stderr, exited } = spawnFixture('api-process.fixture.ts', settings);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`API process did not start: ${stderr()}`));
    }, 60000);
    child.once('exit', (code) => reject(new Error(`API process exited with ${code}: ${stderr()}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      const match = /ready (\d+)/.exec(chunk.toString());
      if (!match) return;
      clearTimeout(timer);
      resolve({
        url: `http://127.0.0.1:${match[1]}`,
        stop: async () => {
          child.kill('SIGTERM');
          await exited();
        },
      });
    });
  });
}
