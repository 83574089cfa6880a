import type Redis from 'ioredis';
import type { ChainableCommander } from 'ioredis';
import { defineRoutedScript } from '@riptide/redis';
import { JobStatus } from '../model/job.interface';
import { QueueKeys } from '../redis/queue-keys';
import { AttemptScripts, attemptScripts } from './attempt.script';
import { hookedBullScripts } from './bull-hooks.script';
import { jobIndexLibrary, jobReadLibrary } from './job-index.script';

/*
 * Lua scripts that read or change a job atomically across bull's lists and sets and the listing
 * indexes (job-index.script.ts). Each one keeps bull's own invariants (a job id is in exactly one
 * of wait/active/delayed/completed/failed) and ends with the job's index entries matching them.
 * Every script is defined with the queue's key base written in (see defineQueueScripts).
 */

// Bull's priority insert (includes/addJobWithPriority.lua): FIFO inside a priority. When the job
// goes before the list's first element (index 0: every job waiting is of its priority or higher,
// the usual case when most jobs share the default priority), or into an empty list, bull's
// LINDEX and LINSERT (or RPUSH) come to an LPUSH, which this does in one command.
const ADD_WITH_PRIORITY = `
local function addJobWithPriority(priorityKey, priority, jobId, targetKey)
  rcall("ZADD", priorityKey, priority, jobId)
  local count = rcall("ZCOUNT", priorityKey, 0, priority)
  local len = rcall("LLEN", targetKey)
  local at = len - (count - 1)
  if at == 0 then
    rcall("LPUSH", targetKey, jobId)
    return
  end
  local id = rcall("LINDEX", targetKey, at)
  if id then
    rcall("LINSERT", targetKey, "BEFORE", id, jobId)
  else
    rcall("RPUSH", targetKey, jobId)
  end
end
`;

/**
 * Submission: the job, its listing indexes and the tenant's quota check in one atomic step, so a
 * job never exists unlisted and concurrent submissions cannot overshoot the quota. The add is
 * bull 4.16's addJob-6.lua (FIFO or by priority into wait/paused, or into the delayed set; the
 * same hash fields and the same events), without its debounce and LIFO options, which we never use.
 * KEYS: wait, paused, meta-paused, id, delayed, priority.
 * ARGV: id, name, data, opts (JSON), timestamp, delay (0 = none), bull priority (0 = none), queue
 * token, tenant, quota ("" = none), search text, compact view ("" = none: views read data),
 * listing score (the creation time, with a fraction that orders a bulk's jobs), the kinds the job's
 * own webhook wants (webhookKindsField: ",completed,failed,"; "" = no webhook), its URL.
 * Returns {"created", status} | {"exists", status, timestamp} (the id was used by this tenant:
 * nothing written) | {"quota", unfinished} | {"taken"} (the id belongs to another tenant's job).
 */
const SUBMIT = `${ADD_WITH_PRIORITY}
local id = ARGV[1]
local key = BASE .. id
if rcall("EXISTS", key) == 1 then
  if tenantOf(id) ~= ARGV[9] then return {"taken"} end
  local f = readFacets(id)
  return {"exists", (f and f.status) or statusOf(id) or "Pending", rcall("HGET", key, "timestamp") or ARGV[5]}
end
if ARGV[10] ~= "" then
  local unfinished = unfinishedOf(ARGV[9])
  if unfinished >= tonumber(ARGV[10]) then return {"quota", unfinished} end
end
-- An empty stacktrace, as bull's retry writes it: bull parses the field each time a worker takes the
-- job, and a job without one costs it a thrown and caught SyntaxError (~10 µs of the worker's CPU).
rcall("HMSET", key, "name", ARGV[2], "data", ARGV[3], "opts", ARGV[4], "timestamp", ARGV[5], "delay", ARGV[6],
  "priority", ARGV[7], "rt_search", ARGV[11], "stacktrace", "[]")
if ARGV[12] ~= "" then rcall("HSET", key, "rt_view", ARGV[12]) end
if ARGV[14] ~= "" then rcall("HSET", key, "rt_webhook", ARGV[14], "rt_webhook_url", ARGV[15]) end
local status
local delay = tonumber(ARGV[6])
if delay > 0 then
  local at = tonumber(ARGV[5]) + delay
  -- bull's job counter orders delayed jobs due in the same millisecond; nothing else reads it.
  local counter = rcall("INCR", KEYS[4])
  rcall("ZADD", KEYS[5], at * 0x1000 + bit.band(counter, 0xfff), id)
  rcall("PUBLISH", KEYS[5], at)
  status = "Delayed"
else
  local target = KEYS[1]
  if rcall("EXISTS", KEYS[3]) == 1 then target = KEYS[2] end
  local priority = tonumber(ARGV[7])
  if priority == 0 then
    rcall("LPUSH", target, id)
  else
    addJobWithPriority(KEYS[6], priority, id, target)
  end
  rcall("PUBLISH", KEYS[1] .. "ing@" .. ARGV[8], id)
  status = "Pending"
end
local f = {status = status, tenant = ARGV[9], created = ARGV[13], name = ARGV[2]}
indexNew(id, f)
emitJobEvent(id, f)
return {"created", status}
`;

// One job's view as a flat row of 14 (decodeJobView reads all but the id): id, place, delay
// score, data, timestamp, processedOn, finishedOn, attemptsMade, failedReason, progress, worker,
// outcome, priority, returnvalue. An unknown job, or another tenant's, is id, "missing" and 12
// nils. With compact, a job that carries a PDF gives its rt_view (the record without the
// document) as data: the document is never read.
const VIEW_ROW = `
local function appendView(out, id, tenant, compact)
  local key = BASE .. id
  local h = rcall("HMGET", key, "timestamp", "processedOn", "finishedOn", "attemptsMade", "failedReason", "progress",
    "rt_worker", "rt_outcome", "priority", "returnvalue", "rt_view")
  if not h[1] or (tenant ~= "" and tenantOf(id) ~= tenant) then
    out[#out + 1] = id
    out[#out + 1] = "missing"
    for _ = 1, 12 do out[#out + 1] = false end
    return
  end
  local data = (compact and h[11]) or rcall("HGET", key, "data")
  local place, score = placeOf(id)
  for _, value in ipairs({id, place, score or "", data}) do out[#out + 1] = value end
  for i = 1, 10 do out[#out + 1] = h[i] end
end
`;

/**
 * Views of some jobs. ARGV: tenant ("" = any), compact ("1": a PDF job's document left out, as
 * in listings; "0": full data), then job ids. Returns their rows (VIEW_ROW), in order.
 */
const JOB_VIEWS = `${VIEW_ROW}
local out = {}
for i = 3, #ARGV do appendView(out, ARGV[i], ARGV[1], ARGV[2] == "1") end
return out
`;

/**
 * One page of a listing index, newest first, with its total: O(log N + page) whatever the
 * history size. KEYS: the index (QueueKeys.listIndex). ARGV: offset, limit, tenant ("" = any;
 * only a guard, the index is already the tenant's). Returns {total, rows (VIEW_ROW, compact)...}.
 */
const LIST_PAGE = `${VIEW_ROW}
local offset = tonumber(ARGV[1])
local out = {rcall("ZCARD", KEYS[1])}
for _, id in ipairs(rcall("ZREVRANGE", KEYS[1], offset, offset + tonumber(ARGV[2]) - 1)) do
  appendView(out, id, ARGV[3], true)
end
return out
`;

/**
 * One chunk of a filtered walk of a listing index, newest first: keeps the ids that the second
 * index also holds (the same key: no such filter) and whose search text (id, metadata keys and
 * string values, never the data) or worker id contains the needle ("" = no such filter).
 * KEYS: the index walked, the index a match must also be in. ARGV: start rank, chunk size,
 * needle (lower case). Returns {next start or -1, matching ids...}.
 */
const SCAN_CHUNK = `
local start = tonumber(ARGV[1])
local size = tonumber(ARGV[2])
local needle = ARGV[3]
local also = KEYS[2] ~= KEYS[1]
local ids = rcall("ZREVRANGE", KEYS[1], start, start + size - 1)
local out = {0}
for _, id in ipairs(ids) do
  if not also or rcall("ZSCORE", KEYS[2], id) then
    local keep = needle == ""
    if not keep then
      local h = rcall("HMGET", BASE .. id, "rt_search", "rt_worker")
      keep = string.find(h[1] or "", needle, 1, true) or string.find(string.lower(h[2] or ""), needle, 1, true)
    end
    if keep then out[#out + 1] = id end
  end
end
if #ids < size then out[1] = -1 else out[1] = start + size end
return out
`;

/**
 * Cancel: a queued job is taken out of wait/paused/delayed and recorded Cancelled in the failed
 * set; a running job is flagged and every worker is told through pub/sub.
 * KEYS: job, wait, paused, delayed, priority, completed, failed, active.
 * ARGV: id, now, channel, tenant ("" = any). Another tenant's job is "missing", untouched.
 * Returns "missing" | "completed" | "failed" | "cancelled" | "cancelling" | "unknown".
 */
const CANCEL = `
if rcall("EXISTS", KEYS[1]) == 0 then return "missing" end
if ARGV[4] ~= "" and tenantOf(ARGV[1]) ~= ARGV[4] then return "missing" end
if rcall("ZSCORE", KEYS[6], ARGV[1]) then return "completed" end
if rcall("ZSCORE", KEYS[7], ARGV[1]) then return "failed" end
local removed = rcall("LREM", KEYS[2], 0, ARGV[1]) + rcall("LREM", KEYS[3], 0, ARGV[1]) + rcall("ZREM", KEYS[4], ARGV[1])
if removed > 0 then
  rcall("ZREM", KEYS[5], ARGV[1])
  rcall("HSET", KEYS[1], "rt_outcome", "Cancelled", "failedReason", "Job was cancelled", "finishedOn", ARGV[2])
  rcall("ZADD", KEYS[7], ARGV[2], ARGV[1])
  syncJob(ARGV[1], false)
  return "cancelled"
end
if rcall("LPOS", KEYS[8], ARGV[1]) then
  -- The mark is the promise the answer makes: every step that can end this job from now on
  -- (the attempt's completion or failure, attempt.script.ts, including the attempt of a worker
  -- that takes it over after a stall, whose cancel poll also aborts it) checks it in the same
  -- script and ends the job Cancelled. The outcome is recorded now
  -- for the one end that runs none of our code: bull's stalled check failing the job.
  rcall("HSET", KEYS[1], "rt_cancel", "1", "rt_outcome", "Cancelled")
  rcall("PUBLISH", ARGV[3], ARGV[1])
  return "cancelling"
end
return "unknown"
`;

/**
 * Replay a finished-unsuccessfully job with a fresh attempt budget, back into wait by priority.
 * KEYS: job, failed, wait, paused, meta-paused, priority. ARGV: id, tenant ("" = any). Another
 * tenant's job is "missing", untouched. Returns "missing" | "not_failed" | "replayed".
 */
const REPLAY = `${ADD_WITH_PRIORITY}
if rcall("EXISTS", KEYS[1]) == 0 then return "missing" end
if ARGV[2] ~= "" and tenantOf(ARGV[1]) ~= ARGV[2] then return "missing" end
if not rcall("ZSCORE", KEYS[2], ARGV[1]) then return "not_failed" end
rcall("ZREM", KEYS[2], ARGV[1])
rcall("DEL", RT .. "result:" .. ARGV[1])
rcall("HDEL", KEYS[1], "finishedOn", "processedOn", "failedReason", "rt_outcome", "rt_cancel", "rt_worker", "returnvalue")
rcall("HSET", KEYS[1], "attemptsMade", "0", "stacktrace", "[]")
local target = KEYS[3]
if rcall("EXISTS", KEYS[5]) == 1 then target = KEYS[4] end
local priority = tonumber(rcall("HGET", KEYS[1], "priority")) or 0
if priority == 0 then
  rcall("LPUSH", target, ARGV[1])
else
  addJobWithPriority(KEYS[6], priority, ARGV[1], target)
end
syncJob(ARGV[1], false)
return "replayed"
`;

/**
 * Hand every job this worker holds back to the queue without spending an attempt (graceful
 * shutdown): running ones and ones bull fetched ahead. A job is ours while its lock holds our
 * token. KEYS: active, wait, stalled. ARGV: token. Returns the ids handed back.
 */
const HAND_BACK_ALL = `
local handed = {}
for _, id in ipairs(rcall("LRANGE", KEYS[1], 0, -1)) do
  local lock = BASE .. id .. ":lock"
  if rcall("GET", lock) == ARGV[1] then
    rcall("DEL", lock)
    rcall("LREM", KEYS[1], 0, id)
    rcall("SREM", KEYS[3], id)
    rcall("RPUSH", KEYS[2], id)
    syncJob(id, false)
    table.insert(handed, id)
  end
end
return handed
`;

/**
 * One bounded step of the reconciliation: re-derives the status of up to ~count jobs of the
 * global index and repairs their entries (a job moved by a process without these scripts, a job
 * stored before these indexes, a job removed behind our back). ZSCAN, not ranks: entries that
 * change meanwhile cannot make the walk skip any. ARGV: cursor, count.
 * Returns {next cursor ("0" = done), entries moved or indexed, removed jobs dropped}.
 */
const RECONCILE_STEP = `
local reply = rcall("ZSCAN", ixKey("*", "*", "*"), ARGV[1], "COUNT", ARGV[2])
local changed, dropped = 0, 0
local entries = reply[2]
for i = 1, #entries, 2 do
  local outcome = syncJob(entries[i], true)
  if outcome == 1 then changed = changed + 1 elseif outcome == 2 then dropped = dropped + 1 end
end
return {reply[1], changed, dropped}
`;

/*
 * `reads`: the script only reads, and gets the read-only part of the library (jobReadLibrary), which
 * costs each call less to set up than the whole of it.
 */
export const QUEUE_SCRIPTS = {
  riptideSubmit: { numberOfKeys: 6, lua: SUBMIT },
  riptideJobViews: { numberOfKeys: 1, lua: JOB_VIEWS, routed: true, reads: true },
  riptideListPage: { numberOfKeys: 1, lua: LIST_PAGE, reads: true },
  riptideScanChunk: { numberOfKeys: 2, lua: SCAN_CHUNK, reads: true },
  riptideCancel: { numberOfKeys: 8, lua: CANCEL },
  riptideReplay: { numberOfKeys: 6, lua: REPLAY },
  riptideHandBackAll: { numberOfKeys: 3, lua: HAND_BACK_ALL },
  riptideReconcileStep: { numberOfKeys: 1, lua: RECONCILE_STEP, routed: true },
} as const satisfies Record<
  keyof QueueScripts,
  { numberOfKeys: number; lua: string; routed?: true; reads?: true }
>;

type Arg = string | number | Buffer;

/** One job's view row and the rows of a listing: VIEW_ROW's fields, flat (nil is null). */
export type ViewReply = (string | number | null)[];

/** The submission script's answer (SUBMIT). */
export type SubmitReply =
  ['created', JobStatus] | ['exists', JobStatus, string] | ['quota', number] | ['taken'];

/** What the cancel script found and did (CANCEL). */
export type CancelReply =
  'missing' | 'completed' | 'failed' | 'cancelled' | 'cancelling' | 'unknown';

/** The queue's scripts as commands on an ioredis client: their keys and arguments as documented above each script. */
export interface QueueScripts {
  riptideSubmit(...keysAndArgs: Arg[]): Promise<SubmitReply>;
  riptideJobViews(tenant: string, compact: '0' | '1', ...jobIds: string[]): Promise<ViewReply>;
  riptideListPage(index: string, offset: number, limit: number, tenant: string): Promise<ViewReply>;
  /** {next start or -1, matching ids...} */
  riptideScanChunk(
    walked: string,
    also: string,
    start: number,
    size: number,
    needle: string,
  ): Promise<[number, ...string[]]>;
  riptideCancel(...keysAndArgs: Arg[]): Promise<CancelReply>;
  riptideReplay(...keysAndArgs: Arg[]): Promise<'missing' | 'not_failed' | 'replayed'>;
  /** The ids handed back. */
  riptideHandBackAll(
    active: string,
    wait: string,
    stalled: string,
    token: string,
  ): Promise<string[]>;
  /** {next cursor ("0" = done), entries moved or indexed, removed jobs dropped} */
  riptideReconcileStep(cursor: string, count: number): Promise<[string, number, number]>;
}

/** A Redis client with the queue scripts (and bull's, with the index upkeep) defined on it. */
export type ScriptedRedis = Redis & QueueScripts & AttemptScripts;

/** A MULTI or pipeline of a ScriptedRedis: the submission script can be queued on it too. */
export type ScriptedPipeline = ChainableCommander & {
  riptideSubmit(...keysAndArgs: Arg[]): ScriptedPipeline;
};

/**
 * Defines the queue scripts on a connection for the queue of `keys`, and bull's job-moving
 * scripts with the index upkeep (bull-hooks.script.ts). Must run before a bull queue is created
 * on this connection, so that bull uses those instead of defining its own.
 */
export function defineQueueScripts(client: Redis, keys: QueueKeys): ScriptedRedis {
  const libraries = { index: jobIndexLibrary(keys.base), reads: jobReadLibrary(keys.base) };
  for (const [name, script] of Object.entries(QUEUE_SCRIPTS)) {
    if (name in client) continue;
    const lua = `${'reads' in script ? libraries.reads : libraries.index}${script.lua}`;
    // `routed`: callers pass ARGV only; the facets key takes the call to the queue's Cluster slot.
    if ('routed' in script) defineRoutedScript(client, name, lua, keys.facets);
    else client.defineCommand(name, { numberOfKeys: script.numberOfKeys, lua });
  }
  for (const script of [...attemptScripts(keys.base), ...hookedBullScripts(keys.base)]) {
    if (!(script.name in client))
      client.defineCommand(script.name, { numberOfKeys: script.numberOfKeys, lua: script.lua });
  }
  return client as ScriptedRedis;
}
