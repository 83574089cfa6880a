import { Worker, WorkerOptions } from 'node:worker_threads';

/** Options that take the module they preload as their next argument (or after `=` for the long ones). */
const PRELOAD_OPTIONS = new Set([
  '-r',
  '--require',
  '--import',
  '--loader',
  '--experimental-loader',
]);

/**
 * The host's Node options without its preloads (`-r`/`--require`, `--import`, `--loader`,
 * `--experimental-loader`). A worker thread inherits the host's options and so runs its preloads
 * again before its own script: a TypeScript register hook, an APM agent or a tracer costs every
 * thread tens of MiB and its share of CPU, for a script that is built JavaScript and does no I/O.
 * Every other option is kept (`--cpu-prof` and its kin, for one, so that a profiled host has its
 * threads profiled too).
 */
export function withoutPreloads(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i += 1) {
    const arg = execArgv[i];
    if (PRELOAD_OPTIONS.has(arg)) {
      i += 1; // and the module it names
      continue;
    }
    const equals = arg.indexOf('=');
    if (arg.startsWith('--') && equals !== -1 && PRELOAD_OPTIONS.has(arg.slice(0, equals)))
      continue;
    kept.push(arg);
  }
  return kept;
}

/**
 * The options named by a Worker's ERR_WORKER_INVALID_EXEC_ARGV ("… flags: --a=1, --b"), or null
 * when `error` is not one or names none.
 */
export function invalidExecArgvOf(error: unknown): string[] | null {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code !== 'ERR_WORKER_INVALID_EXEC_ARGV' || typeof message !== 'string') return null;
  const colon = message.indexOf(': ');
  if (colon === -1) return null;
  const flags = message
    .slice(colon + 2)
    .split(', ')
    .filter((flag) => flag !== '');
  return flags.length > 0 ? flags : null;
}

/**
 * The options the extraction threads of this process start with: undefined until the first thread
 * has started, then those it started with (null: inherited, preloads included).
 */
let learned: string[] | null | undefined;

/**
 * A worker thread started with the host's options but not its preloads (see withoutPreloads).
 *
 * A thread refuses V8 options and options that act on the whole process (`--max-old-space-size`,
 * `--title`, …) when they are given explicitly, although it runs under them anyway when it
 * inherits them. So the options a thread refuses are dropped (it lives under them all the same, as
 * they are the process's), and if it still refuses, it inherits the host's options as it would by
 * default. What worked is kept for the threads started after it.
 */
export function startThread(script: string, options: WorkerOptions): Worker {
  if (learned === null) return new Worker(script, options);
  let execArgv = learned ?? withoutPreloads(process.execArgv);
  for (let attempt = 0; ; attempt += 1) {
    try {
      const worker = new Worker(script, { ...options, execArgv });
      learned = execArgv;
      return worker;
    } catch (error) {
      const refused = invalidExecArgvOf(error);
      if (refused === null) throw error;
      const fewer = execArgv.filter((arg) => !refused.includes(arg));
      if (attempt > 0 || fewer.length === execArgv.length) {
        learned = null;
        return new Worker(script, options);
      }
      execArgv = fewer;
    }
  }
}

/** Forgets the options learned by startThread (for tests). */
export function forgetThreadExecArgv(): void {
  learned = undefined;
}
