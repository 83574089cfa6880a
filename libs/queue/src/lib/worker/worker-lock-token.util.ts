import { randomUUID } from 'node:crypto';

/**
 * The lock token a worker's bull queue writes in the lock of each job it takes: unique to the
 * queue, as bull's own (a UUID), followed by the worker id. The index upkeep that runs in the
 * same script as bull's move to active reads the worker id from it (recordWorker in
 * job-index.script.ts), so recording who runs a job costs no round trip of its own. The id is
 * URI-encoded: bull splits its channel names at "@" and the token is part of some of them.
 */
export function workerLockToken(workerId: string): string {
  return `${randomUUID()}:${encodeURIComponent(workerId)}`;
}
