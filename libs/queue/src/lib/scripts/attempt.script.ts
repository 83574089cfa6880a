import { RecordedOutcome } from '../model/job-status.util';
import { composeWithBullScripts } from './bull-hooks.script';
import { facetsPrelude } from './job-index.script';

/*
 * The writes one attempt of a job makes, each fenced by the job's lock: the script first checks
 * that the lock still holds the token of the worker that runs the attempt, and writes nothing
 * otherwise. A worker that was paused longer than its lock (a long GC, SIGSTOP) may find that
 * bull's stalled check handed the job to another worker meanwhile; when it wakes, its status,
 * result, outcome, progress and attempt count must not overwrite the new attempt's. Checking the
 * token inside the script that writes is what makes that exact: a check in a separate step could
 * pass, then lose the lock before the write.
 *
 * The finishing scripts also honour a cancel (rt_cancel, set by the cancel script while the job is
 * active) in the same step, so that once a cancel has answered Cancelled, an attempt that ends at
 * that moment ends the job Cancelled, never Completed or retried.
 *
 * Each replaces a step the worker made before: no extra round trip per job.
 */

/**
 * Progress of an attempt, as bull's updateProgress (the hash field and the event), if the lock
 * is ours, raised as a job event too. KEYS: job, progress channel. ARGV: lock token, progress (JSON), event data.
 * Returns 1, or 0 when the lock is not ours (nothing written).
 */
const PROGRESS = `
if rcall("GET", KEYS[1] .. ":lock") ~= ARGV[1] then return 0 end
rcall("HSET", KEYS[1], "progress", ARGV[2])
rcall("PUBLISH", KEYS[2], ARGV[3])
local id = string.sub(KEYS[1], #BASE + 1)
local f = readFacets(id)
if f then emitJobEvent(id, f, "progress", ARGV[2]) end
return 1
`;

/**
 * bull's keep-jobs option as its move scripts read it (msgpack), packed from its count and age
 * ("" = unset; keepJobsArgs in fenced-attempt.ts). They come as text so that every argument of the
 * finishing calls is a string: a single Buffer argument makes ioredis assemble the whole command
 * as Buffers, which cost the worker more than the rest of the call.
 */
export const KEEP_JOBS_LUA = `
local function keepJobs(count, age)
  return cmsgpack.pack({count = tonumber(count), age = tonumber(age)})
end
`;

// What both finishing scripts share: keepJobs, and finishFenced, bull's moveToFinished for a job
// whose lock the script has already checked (the fence). bull's move gets the token "0", which
// skips its second read of the lock, and the lock is released after the move as bull's removeLock
// would have: unless bull answered -1 (the job's hash is gone), where removeLock does not run either.
const FINISHING = `${KEEP_JOBS_LUA}
local function finishFenced(keys, argv)
  argv[5] = "0"
  local reply = moveToFinished(keys, argv)
  if reply ~= -1 then
    rcall("DEL", keys[3] .. ":lock")
    rcall("SREM", keys[8], argv[1])
  end
  return reply
end
`;

/**
 * The attempt's work succeeded: bull's moveToFinished to completed (which also fetches the next
 * job), with the result kept apart first when it is large, unless a cancel is pending: then it is
 * bull's move to failed with the Cancelled outcome instead.
 * KEYS: bull's moveToFinished keys for completed (9), failed, failed metrics, external result.
 * ARGV: bull's moveToFinished arguments (12; its keep-jobs, ARGV[6], is unused), external result
 * JSON ("" = none), its TTL in seconds, the cancelled reason, keep-jobs of failed (count, age),
 * attempts made, keep-jobs of completed (count, age). The lock token is bull's ARGV[11].
 * Returns {"lost"} | {"completed", bull's reply} | {"cancelled", bull's reply}.
 */
const COMPLETE = `${FINISHING}
local jobKey = KEYS[3]
if rcall("GET", jobKey .. ":lock") ~= ARGV[11] then return {"lost"} end
if rcall("HGET", jobKey, "rt_cancel") then
  rcall("HSET", jobKey, "rt_outcome", "Cancelled", "attemptsMade", ARGV[18])
  KEYS[2], KEYS[9] = KEYS[10], KEYS[11]
  ARGV[3], ARGV[4], ARGV[6] = "failedReason", ARGV[15], keepJobs(ARGV[16], ARGV[17])
  ARGV[7] = cjson.encode({jobId = ARGV[1], val = ARGV[15]})
  local reply = finishFenced(KEYS, ARGV)
  syncTouched()
  return {"cancelled", reply}
end
if ARGV[13] ~= "" then rcall("SET", KEYS[12], ARGV[13], "EX", ARGV[14]) end
ARGV[6] = keepJobs(ARGV[19], ARGV[20])
local reply = finishFenced(KEYS, ARGV)
syncTouched()
return {"completed", reply}
`;

/**
 * The attempt failed: bull's saveStacktrace and then its move to failed (with our outcome) or to
 * the delayed set for the retry, in one step. A pending cancel turns either into Cancelled.
 * KEYS: bull's moveToFinished keys for failed (9). ARGV: bull's moveToFinished arguments (12; its
 * keep-jobs, ARGV[6], is unused), stacktrace (JSON), attempts made, outcome (Failed | DeadLetter |
 * Cancelled; "" = retry), the retry's delayed-set score, the cancelled reason, keep-jobs of failed
 * (count, age). The lock token is bull's ARGV[11].
 * Returns {"lost"} | {outcome, bull's reply} | {"retrying", bull's reply}.
 */
const FAIL = `${FINISHING}
local jobKey = KEYS[3]
if rcall("GET", jobKey .. ":lock") ~= ARGV[11] then return {"lost"} end
local outcome = ARGV[15]
if rcall("HGET", jobKey, "rt_cancel") then
  outcome = "Cancelled"
  ARGV[4] = ARGV[17]
  ARGV[7] = cjson.encode({jobId = ARGV[1], val = ARGV[17]})
end
rcall("HMSET", jobKey, "stacktrace", ARGV[13], "failedReason", ARGV[4], "attemptsMade", ARGV[14])
local reply
if outcome == "" then
  outcome = "retrying"
  reply = moveToDelayed({KEYS[1], KEYS[7], jobKey, KEYS[8]}, {ARGV[16], ARGV[1], ARGV[11]})
else
  rcall("HSET", jobKey, "rt_outcome", outcome)
  ARGV[6] = keepJobs(ARGV[18], ARGV[19])
  reply = finishFenced(KEYS, ARGV)
end
syncTouched()
return {outcome, reply}
`;

export interface AttemptScript {
  name: keyof AttemptScripts;
  numberOfKeys: number;
  lua: string;
}

type Arg = string | number | Buffer;

/** bull's moveToFinished (or moveToDelayed) reply, as the attempt scripts pass it on. */
type BullReply = unknown;

/** The attempt scripts as commands on an ioredis client: keys and arguments as documented above each script. */
export interface AttemptScripts {
  /** 1, or 0 when the lock is not ours. */
  riptideAttemptProgress(
    job: string,
    progressChannel: string,
    token: string,
    progress: string,
    event: string,
  ): Promise<0 | 1>;
  riptideCompleteAttempt(
    ...keysAndArgs: Arg[]
  ): Promise<['lost'] | ['completed' | 'cancelled', BullReply]>;
  riptideFailAttempt(
    ...keysAndArgs: Arg[]
  ): Promise<['lost'] | [RecordedOutcome | 'retrying', BullReply]>;
}

/** The fenced attempt scripts for the queue whose key base is `base`. */
export function attemptScripts(base: string): AttemptScript[] {
  return [
    { name: 'riptideAttemptProgress', numberOfKeys: 2, lua: `${facetsPrelude(base)}${PROGRESS}` },
    {
      name: 'riptideCompleteAttempt',
      numberOfKeys: 12,
      lua: composeWithBullScripts(base, { moveToFinished: 'moveToFinished-9' }, COMPLETE),
    },
    {
      name: 'riptideFailAttempt',
      numberOfKeys: 9,
      lua: composeWithBullScripts(
        base,
        { moveToFinished: 'moveToFinished-9', moveToDelayed: 'moveToDelayed-4' },
        FAIL,
      ),
    },
  ];
}
