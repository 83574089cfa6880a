import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** A child process the suite owns: killed on exit, its output kept in a log file. */
export class ManagedProcess {
  readonly exited: Promise<number | null>;
  private alive = true;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly logPath: string,
  ) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))),
    );
    void this.exited.then(() => {
      this.alive = false;
      registry.delete(this);
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.alive;
  }

  signal(signal: NodeJS.Signals): void {
    if (this.alive) this.child.kill(signal);
  }

  /** SIGKILL and wait for the exit, as a crash would. */
  async kill(): Promise<void> {
    this.signal('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. A stopped process is resumed first so it can hear the TERM. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.alive) return;
    this.signal('SIGCONT');
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

const registry = new Set<ManagedProcess>();
const mounts = new Set<string>();

/** Starts `command` with its stdout and stderr appended to `logPath`. */
export function spawnManaged(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logPath: string,
): ManagedProcess {
  mkdirSync(dirname(logPath), { recursive: true });
  const log = createWriteStream(logPath, { flags: 'a' });
  log.write(`\n--- ${new Date().toISOString()} ${command} ${args.join(' ')}\n`);
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const managed = new ManagedProcess(name, child, logPath);
  registry.add(managed);
  return managed;
}

/** Remembers a mount point so that it is unmounted even when the suite is interrupted. */
export function trackMount(path: string): void {
  mounts.add(path);
}

export function untrackMount(path: string): void {
  mounts.delete(path);
}

/** Kills every child still running and unmounts what the suite mounted; safe to call twice. */
export function killAll(): void {
  for (const managed of registry) {
    try {
      managed.child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
  registry.clear();
  for (const path of mounts) {
    try {
      execFileSync('umount', ['-l', path], { stdio: 'ignore' });
    } catch {
      /* not mounted any more */
    }
  }
  mounts.clear();
}

/** Makes sure no child outlives the suite, whether it ends normally, throws, or is interrupted. */
export function installCleanup(): void {
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping every process the suite started\n`);
      killAll();
      process.exit(130);
    });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `everyMs` until it returns true; false when `timeoutMs` passes first. */
export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  everyMs = 100,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return true;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}
