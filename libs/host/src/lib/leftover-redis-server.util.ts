import { readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { isProcessRunning, processName } from './process-identity.util';

/**
 * The pid in a redis-server pidfile, when that process still runs and still is a redis-server
 * working in `dataDir` (a pid left in a stale pidfile may belong to anything by now).
 * Where /proc is not available the pid is trusted as it is.
 */
export function runningRedisServerOf(pidFile: string, dataDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
  } catch {
    return undefined;
  }
  if (!isProcessRunning(pid)) return undefined;
  const name = processName(pid);
  if (name !== undefined && !name.startsWith('redis')) return undefined;
  try {
    // redis-server works in its --dir.
    if (readlinkSync(`/proc/${pid}/cwd`) !== realpathSync(dataDir)) return undefined;
  } catch {
    /* /proc not available, or not ours to read */
  }
  return pid;
}

async function exitOf(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessRunning(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

/**
 * Stops a redis-server that outlived its host and waits for it to exit, so that its append-only
 * file is complete before another server opens it. SIGCONT wakes a stopped server to handle the
 * SIGTERM; SIGKILL follows only if it does not exit within `timeoutMs`. Returns the pid it stopped.
 */
export async function stopLeftoverRedisServer(
  pidFile: string,
  dataDir: string,
  timeoutMs = 10000,
): Promise<number | undefined> {
  const pid = runningRedisServerOf(pidFile, dataDir);
  if (pid === undefined) return undefined;
  for (const signal of ['SIGTERM', 'SIGCONT'] as const) signalQuietly(pid, signal);
  if (!(await exitOf(pid, timeoutMs))) {
    signalQuietly(pid, 'SIGKILL');
    await exitOf(pid, 5000);
  }
  return pid;
}

/** Sends a signal to a process that may have exited meanwhile. */
export function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    /* already gone */
  }
}
