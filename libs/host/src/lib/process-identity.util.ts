import { readFileSync } from 'node:fs';

/**
 * A process as recorded in a lock file. A pid alone is not an identity: after a reboot or in a
 * fresh container the same number soon belongs to another program, so the kernel's start time
 * (Linux) is kept beside it when it can be read.
 */
export interface ProcessIdentity {
  pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks since boot); absent where /proc is not available. */
  startTime?: string;
}

/** Fields of /proc/<pid>/stat after the command name, which may itself hold spaces or parentheses. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The kernel's start time of a process, or undefined where /proc cannot tell. */
export function processStartTime(pid: number): string | undefined {
  // After the command name: state is field 3, starttime field 22.
  return statFields(pid)?.[19];
}

/** The short command name of a process (`redis-server`), or undefined where /proc cannot tell. */
export function processName(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid exists and has not exited (a zombie waiting to be reaped has). */
export function isProcessRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return statFields(pid)?.[0] !== 'Z';
}

/** The identity of a running process, to be written to a lock file. */
export function identityOf(pid: number): ProcessIdentity {
  const startTime = processStartTime(pid);
  return startTime ? { pid, startTime } : { pid };
}

/** Whether the process recorded as `identity` is still the one running under its pid. */
export function isSameProcessRunning(identity: ProcessIdentity): boolean {
  if (!isProcessRunning(identity.pid)) return false;
  if (!identity.startTime) return true;
  const now = processStartTime(identity.pid);
  return now === undefined || now === identity.startTime;
}
