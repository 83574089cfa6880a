import { ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface CommandResult {
  code: number;
  output: string;
}

/** Runs a command to its end; never rejects, so a test can show the output of a failure. */
export function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** A started Node process of the consumer app, with what it wrote so far. */
export interface AppProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the first stdout line matching `pattern`; rejects if the process ends first. */
  waitForLine: (pattern: RegExp, timeoutMs: number) => Promise<RegExpExecArray>;
  stop: () => Promise<void>;
}

export function startApp(script: string, cwd: string, env: NodeJS.ProcessEnv): AppProcess {
  const child = spawn(process.execPath, [script], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    output += `${line}\n`;
    lines.push(line);
    for (const waiter of [...waiters]) {
      const match = waiter.pattern.exec(line);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  });
  const exited = once(child, 'exit');
  return {
    child,
    output: () => output,
    waitForLine: (pattern, timeoutMs) => {
      const seen = lines.map((line) => pattern.exec(line)).find((m) => m);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${output}`)),
          timeoutMs,
        );
        waiters.push({ pattern, resolve: (m) => (clearTimeout(timer), resolve(m)) });
        void exited.then(() => {
          // Let the last lines arrive before deciding the process ended without the one awaited.
          setTimeout(() => {
            clearTimeout(timer);
            reject(
              new Error(
                `process ended (exit ${child.exitCode}) before a line matching ${pattern}:\n${output}`,
              ),
            );
          }, 100);
        });
      });
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** One HTTP answer, reduced to what the service's clients see. */
export interface Answer {
  status: number;
  contentType: string | null;
  body: unknown;
}

export async function request(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: compared as text
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: parsed,
  };
}
