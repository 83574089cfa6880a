import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataDirInUseError } from './data-dir-in-use.error';
import { ProcessIdentity, identityOf, isSameProcessRunning } from './process-identity.util';

/** Name of the lock file a host keeps in the embedded redis-server's data folder. */
export const HOST_LOCK_FILE = 'riptide-host.lock';

/** What the lock file says: which host owns the folder, and the port of its redis-server once known. */
export interface HostLock {
  host: ProcessIdentity;
  port?: number;
}

/** Lock files held by this process: its pid in one of them is not a previous life of that pid. */
const heldHere = new Set<string>();

/** Reads a lock file's text; anything unreadable counts as no lock (its writer cannot be running). */
export function parseHostLock(text: string): HostLock | undefined {
  try {
    const value = JSON.parse(text) as Partial<HostLock>;
    const pid = value.host?.pid;
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return undefined;
    const startTime = typeof value.host?.startTime === 'string' ? value.host.startTime : undefined;
    const port = typeof value.port === 'number' ? value.port : undefined;
    return { host: startTime ? { pid, startTime } : { pid }, ...(port ? { port } : {}) };
  } catch {
    return undefined;
  }
}

function readHostLock(path: string): HostLock | undefined {
  try {
    return parseHostLock(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Writes to a private file first, so that nobody ever reads a half-written lock. */
function writePrivately(path: string, lock: HostLock): string {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(lock));
  return temporary;
}

/**
 * Exclusive ownership of a data folder by this host process, so that two hosts never run two
 * redis-servers on one append-only file. A lock left by a host that is gone (killed, crashed) is
 * taken over; one whose host still runs stops this host with a DataDirInUseError.
 */
export class DataDirLock {
  private constructor(private readonly path: string) {}

  /**
   * Takes the folder's lock. Two hosts starting at the same moment cannot both win: the lock
   * appears by `link`, which fails when the file exists. (Two hosts taking over the same stale lock
   * in the same millisecond could still race; starting twice at once after a crash is not a case
   * worth a lock server.)
   */
  static acquire(dataDir: string): DataDirLock {
    const path = join(dataDir, HOST_LOCK_FILE);
    if (heldHere.has(path))
      throw new DataDirInUseError(dataDir, process.pid, readHostLock(path)?.port);
    const mine: HostLock = { host: identityOf(process.pid) };
    for (let attempt = 0; ; attempt++) {
      const temporary = writePrivately(path, mine);
      try {
        linkSync(temporary, path);
        heldHere.add(path);
        return new DataDirLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw error;
      } finally {
        unlinkSync(temporary);
      }
      const owner = readHostLock(path);
      // Our own pid in a lock this process does not hold: a previous life of this pid (a container restart).
      if (owner && owner.host.pid !== process.pid && isSameProcessRunning(owner.host))
        throw new DataDirInUseError(dataDir, owner.host.pid, owner.port);
      try {
        unlinkSync(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  }

  /** Records the port of this host's redis-server, for the message another host would show. */
  recordPort(port: number): void {
    renameSync(writePrivately(this.path, { host: identityOf(process.pid), port }), this.path);
  }

  /** Gives the folder up; synchronous, so it also works in an `exit` handler. */
  release(): void {
    if (!heldHere.delete(this.path)) return;
    if (readHostLock(this.path)?.host.pid !== process.pid) return;
    try {
      unlinkSync(this.path);
    } catch {
      /* already gone */
    }
  }
}
