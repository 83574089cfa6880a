// Starting a test fixture (a small Nest app in a .fixture.ts file) as a real Node process.
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const workspaceRoot = join(__dirname, '../../../..');

export interface FixtureProcess {
  child: ChildProcess;
  /** What the process wrote to stderr so far, for the error when it does not come up. */
  stderr(): string;
  /** Resolves once the process has exited (at once when it already has). */
  exited(): Promise<void>;
}

/**
 * Runs `fixture` (a file of this folder) from its TypeScript source under swc-node, with
 * `settings` as its one argument (JSON), stdout and stderr piped.
 */
export function spawnFixture(fixture: string, settings: object): FixtureProcess {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', join(__dirname, fixture), JSON.stringify(settings)],
    {
      cwd: workspaceRoot,
      env: { ...process.env, SWC_NODE_PROJECT: join(workspaceRoot, 'tsconfig.base.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    stderr: () => stderr,
    exited: () => (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : exit),
  };
}
