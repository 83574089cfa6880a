import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  forgetThreadExecArgv,
  invalidExecArgvOf,
  startThread,
  withoutPreloads,
} from './thread-exec-argv.util';

describe('withoutPreloads', () => {
  it('drops every form of preload and the module it names', () => {
    expect(
      withoutPreloads([
        '-r',
        '@swc-node/register',
        '--require',
        'dd-trace/init',
        '--require=./otel.js',
        '--import',
        'tsx',
        '--import=./hooks.mjs',
        '--loader',
        'ts-node/esm',
        '--loader=ts-node/esm',
        '--experimental-loader',
        './loader.mjs',
        '--experimental-loader=./loader.mjs',
      ]),
    ).toEqual([]);
  });

  it('keeps every other option, profiling ones included, in order', () => {
    const others = [
      '--enable-source-maps',
      '--cpu-prof',
      '--cpu-prof-dir=/tmp/prof',
      '--unhandled-rejections=strict',
      '--no-warnings',
      '--requirements-are-not-a-flag',
    ];
    expect(withoutPreloads(['--trace-warnings', '-r', 'x', ...others])).toEqual([
      '--trace-warnings',
      ...others,
    ]);
    expect(withoutPreloads([])).toEqual([]);
  });
});

describe('invalidExecArgvOf', () => {
  it('reads the options a Worker refused from its error, and nothing from other errors', () => {
    let refusal: unknown;
    try {
      new Worker('', { eval: true, execArgv: ['--max-old-space-size=300', '--title=x'] });
    } catch (error) {
      refusal = error;
    }
    expect(invalidExecArgvOf(refusal)).toEqual(['--max-old-space-size=300', '--title=x']);
    expect(invalidExecArgvOf(new Error('Initiated Worker with invalid execArgv flags: --x'))).toBe(
      null,
    );
    expect(invalidExecArgvOf('ERR_WORKER_INVALID_EXEC_ARGV')).toBeNull();
  });
});

describe('startThread', () => {
  const execArgv = process.execArgv;
  let dir: string;
  beforeEach(() => {
    forgetThreadExecArgv();
    dir = mkdtempSync(join(tmpdir(), 'thread-exec-argv-'));
  });
  afterEach(() => {
    Object.defineProperty(process, 'execArgv', { value: execArgv, configurable: true });
    forgetThreadExecArgv();
    rmSync(dir, { recursive: true, force: true });
  });
  const hostOptions = (args: string[]) =>
    Object.defineProperty(process, 'execArgv', { value: args, configurable: true });
  /** The execArgv a thread started by startThread sees, and whether the preload ran in it. */
  const threadView = async (): Promise<{ execArgv: string[]; preloaded: boolean }> => {
    const worker = startThread(
      `const { parentPort } = require('node:worker_threads');
       parentPort.postMessage({ execArgv: process.execArgv, preloaded: globalThis.__preloaded === true });`,
      { eval: true },
    );
    const [view] = await once(worker, 'message');
    await worker.terminate();
    return view;
  };

  it("starts a thread with the host's options but not its preloads", async () => {
    const preload = join(dir, 'preload.js');
    writeFileSync(preload, 'globalThis.__preloaded = true;');
    hostOptions(['--require', preload, '--no-warnings']);
    await expect(threadView()).resolves.toEqual({ execArgv: ['--no-warnings'], preloaded: false });
  });

  it('drops the options a thread refuses, which act on the whole process anyway', async () => {
    hostOptions(['--max-old-space-size=4096', '-r', join(dir, 'missing.js'), '--no-warnings']);
    await expect(threadView()).resolves.toEqual({ execArgv: ['--no-warnings'], preloaded: false });
    // And so do the threads after it.
    await expect(threadView()).resolves.toEqual({ execArgv: ['--no-warnings'], preloaded: false });
  });
});
