import { DEFAULT_TENANT } from '../model/tenant.util';
import { UNFINISHED_STATUSES } from '../model/job.interface';
import { JOB_EVENTS_LUA } from './job-events.script';

/*
 * The listing indexes, in Lua, shared by every script that creates, moves or removes a job.
 *
 * Every index is a sorted set of job ids scored by creation time, in two families:
 *   - by status, which move with the job: tenant ∈ {*, its tenant} × its status (2 sets);
 *   - by type, which never move: tenant ∈ {*, its tenant} × type ∈ {*, its type[, custom:<name>]}
 *     (4 sets, 6 for a custom job; the type "*" ones are the unfiltered listings).
 * A listing filtered by tenant and status, or by tenant and type, reads one set: its ZCARD is the
 * total, a ZREVRANGE is the page, and the counts by status are ZCARDs. A listing filtered by both
 * status and type walks the smaller of the two sets and keeps the ids the other also holds.
 * A status change touches 4 entries (out of 2 sets, into 2), whatever the job's type: the index
 * upkeep is most of what a job costs Redis, and a matrix of status × type sets made every move
 * touch 12. The sets are the counters: there is nothing else to drift. `rt:facets` (job id →
 * status, tenant, creation time, type) records which sets hold a job, so moving or dropping it
 * never reads the job itself; `rt_search` on the job hash is the text `search=` matches, apart
 * from `data`.
 *
 * Whatever moves a job calls syncJob in the same script: it derives the status from where bull
 * keeps the job (the same rule as deriveStatus in job-status.util.ts) and moves the index entries
 * when it changed, raising the job's event (job-events.script.ts). Our own scripts call it directly; bull's are wrapped (bull-hooks.script.ts).
 *
 * The key layout mirrors QueueKeys.listIndex.
 */

/** The keys and the facets codec: what every script that reads a job's facets starts with. */
function facetsCodec(base: string): string {
  if (!/^[\x20-\x7e]*$/.test(base))
    throw new Error(`queue key prefix must be printable ASCII: ${JSON.stringify(base)}`);
  return `
local rcall = redis.call
local BASE = ${JSON.stringify(base)}
local RT = BASE .. "rt:"
local FACETS = RT .. "facets"

-- facets: "<status>|<tenant>|<created ms>|<bull job name>" (no field can hold a "|").
local function readFacets(id)
  local raw = rcall("HGET", FACETS, id)
  if not raw then return nil end
  local status, tenant, created, name = string.match(raw, "^([^|]*)|([^|]*)|([^|]*)|(.*)$")
  return {status = status, tenant = tenant, created = created, name = name}
end
`;
}

/**
 * What every script that reads a job's facets or raises its events needs: the key base
 * (`<prefix>:<queue>:`) written in, the facets codec and the job events.
 */
export function facetsPrelude(base: string): string {
  return `${facetsCodec(base)}${JOB_EVENTS_LUA}`;
}

// Where a job is and whose it is, read without changing anything.
const JOB_READS_LUA = `
local function validTenant(tenant)
  return tenant and #tenant <= 63 and string.match(tenant, "^[a-z0-9][a-z0-9_-]*$") ~= nil
end

-- Tenant and search text from the start of the stored data (StoredJobData keeps searchText, then
-- record.tenant, first). Only for jobs stored before these indexes, or added to bull directly.
local function fieldsFromData(key)
  local data = rcall("HGET", key, "data") or ""
  local tenant = string.match(data, '^{"searchText":"[^"]*","record":{"tenant":"([^"]*)"')
  if not validTenant(tenant) then tenant = "${DEFAULT_TENANT}" end
  return tenant, string.match(data, '^{"searchText":"([^"]*)"') or ""
end

local function tenantOf(id)
  local f = readFacets(id)
  if f then return f.tenant end
  local tenant = fieldsFromData(BASE .. id)
  return tenant
end

-- Where bull keeps a job: place and, when delayed, the delay-set score.
local function placeOf(id)
  if rcall("ZSCORE", BASE .. "completed", id) then return "completed", false end
  if rcall("ZSCORE", BASE .. "failed", id) then return "failed", false end
  local score = rcall("ZSCORE", BASE .. "delayed", id)
  if score then return "delayed", score end
  if rcall("LPOS", BASE .. "active", id) then return "active", false end
  return "waiting", false
end
`;

/**
 * The read-only part of the library (tenantOf, placeOf and the facets codec), for the scripts that
 * only read: their every call skips setting up the index upkeep and the events, which they never use.
 */
export function jobReadLibrary(base: string): string {
  return `${facetsCodec(base)}${JOB_READS_LUA}`;
}

/** The Lua library, with the queue's key base (`<prefix>:<queue>:`) written in. */
export function jobIndexLibrary(base: string): string {
  return `${facetsPrelude(base)}${JOB_READS_LUA}
local TENANTS = RT .. "tenants"
local UNFINISHED = {${UNFINISHED_STATUSES.map((s) => `"${s}"`).join(', ')}}
local OUTCOMES = {Failed = true, DeadLetter = true, Cancelled = true}

-- The sorted set of a tenant with one status or one type (never both); "*" = any. The two
-- unfiltered ones keep their old names.
local function ixKey(tenant, status, jtype)
  if status == "*" and jtype == "*" then
    if tenant == "*" then return RT .. "index" end
    return RT .. "index:t:" .. tenant
  end
  return RT .. "ix:" .. tenant .. ":" .. status .. ":" .. jtype
end

-- Type facets of a bull job name: "single_crawl" → *, single_crawl; "custom:x" → *, custom, custom:x.
local function typesOf(name)
  local family = string.match(name, "^([^:]+):")
  if family then return {"*", family, name} end
  return {"*", name}
end

local function writeFacets(id, f)
  rcall("HSET", FACETS, id, f.status .. "|" .. f.tenant .. "|" .. f.created .. "|" .. f.name)
end

-- The sets that move with a job's status: that status, for any tenant and for its own.
local function statusIndexes(f, status)
  return {ixKey("*", status, "*"), ixKey(f.tenant, status, "*")}
end

-- The sets a job stays in for its life: its types (and "*", the unfiltered listings), for any
-- tenant and for its own.
local function typeIndexes(f)
  local keys = {}
  for _, tenant in ipairs({"*", f.tenant}) do
    for _, jtype in ipairs(typesOf(f.name)) do keys[#keys + 1] = ixKey(tenant, "*", jtype) end
  end
  return keys
end

local function zaddAll(keys, score, id)
  for _, key in ipairs(keys) do rcall("ZADD", key, score, id) end
end

local function zremAll(keys, id)
  for _, key in ipairs(keys) do rcall("ZREM", key, id) end
end

-- A new job's entries: its type sets, and its first status's.
local function indexNew(id, f)
  zaddAll(typeIndexes(f), f.created, id)
  zaddAll(statusIndexes(f, f.status), f.created, id)
  writeFacets(id, f)
  rcall("SADD", TENANTS, f.tenant)
end

-- Unfinished jobs of a tenant (its quota): four ZCARDs.
local function unfinishedOf(tenant)
  local n = 0
  for _, status in ipairs(UNFINISHED) do n = n + rcall("ZCARD", ixKey(tenant, status, "*")) end
  return n
end

-- The statuses that a place alone decides, for a job that exists (statusOf).
local STATUS_OF_PLACE = {active = "Processing", completed = "Completed"}

-- The SPEC status of a job (deriveStatus in job-status.util.ts), or nil when it does not exist.
-- placeHint, when given, is where the calling script has just put the job (watchedCall in
-- bull-hooks.script.ts): for active and completed the place alone says the status, which saves
-- the hash read and the lookups in bull's lists and sets.
local function statusOf(id, placeHint)
  local known = placeHint and STATUS_OF_PLACE[placeHint]
  if known then
    -- A job exists when its hash has a timestamp, as below (a stray write can leave a partial hash).
    if rcall("HEXISTS", BASE .. id, "timestamp") == 0 then return nil end
    return known
  end
  local h = rcall("HMGET", BASE .. id, "timestamp", "attemptsMade", "rt_outcome")
  if not h[1] then return nil end
  local place = placeOf(id)
  if place == "completed" then return "Completed" end
  if place == "failed" then
    if h[3] and OUTCOMES[h[3]] then return h[3] end
    return "DeadLetter"
  end
  if place == "active" then return "Processing" end
  if (tonumber(h[2]) or 0) > 0 then return "Retrying" end
  if place == "delayed" then return "Delayed" end
  return "Pending"
end

-- A job that has no facets yet: stored before these indexes, or added to bull directly. Returns
-- the facets written.
local function indexUnknown(id, status)
  local key = BASE .. id
  local h = rcall("HMGET", key, "name", "timestamp", "rt_search")
  local tenant, search = fieldsFromData(key)
  if not h[3] then rcall("HSET", key, "rt_search", search) end
  local name = h[1] or ""
  if not string.match(name, "^[%w_.:-]+$") then name = "other" end
  local f = {status = status, tenant = tenant, created = h[2], name = name}
  indexNew(id, f)
  return f
end

-- Takes a removed job out of every index, with what only it owned (its external result).
local function dropJob(id, f)
  if f then
    zremAll(typeIndexes(f), id)
    zremAll(statusIndexes(f, f.status), id)
    rcall("HDEL", FACETS, id)
  else
    -- Indexed before facets existed: only the global and tenant indexes can hold it.
    rcall("ZREM", ixKey("*", "*", "*"), id)
    for _, tenant in ipairs(rcall("SMEMBERS", TENANTS)) do rcall("ZREM", ixKey(tenant, "*", "*"), id) end
  end
  rcall("DEL", RT .. "result:" .. id)
end

-- The worker that took a job, recorded as it becomes Processing: a worker's lock token is
-- "<uuid>:<its worker id, URI-encoded>" (workerLockToken in worker-lock-token.util.ts), and bull's
-- move to active has just written it in the job's lock (lock: that token, when the calling script
-- saw it written). A token of any other form names no worker.
local function recordWorker(id, lock)
  lock = lock or rcall("GET", BASE .. id .. ":lock")
  local encoded = lock and string.match(lock, "^[%x%-]+:(.+)$")
  if not encoded then return end
  local worker = string.gsub(encoded, "%%(%x%x)", function(hex) return string.char(tonumber(hex, 16)) end)
  rcall("HSET", BASE .. id, "rt_worker", worker)
end

-- Brings a job's index entries in line with where bull keeps it. Returns 0 when they were right,
-- 1 when they moved (or the job was indexed), 2 when a removed job's entries were dropped. With
-- sweep, a removed job that has no facets is also looked for in the old indexes. seen: what the
-- calling script saw bull do to the job, when it watched ({place = ..., lock = ...}, both optional).
local function syncJob(id, sweep, seen)
  seen = seen or {}
  local status = statusOf(id, seen.place)
  local f = readFacets(id)
  if not status then
    if f or sweep then
      dropJob(id, f)
      return 2
    end
    return 0
  end
  if not f then
    emitJobEvent(id, indexUnknown(id, status))
    return 1
  end
  if f.status == status then return 0 end
  zremAll(statusIndexes(f, f.status), id)
  f.status = status
  zaddAll(statusIndexes(f, status), f.created, id)
  writeFacets(id, f)
  if status == "Processing" then recordWorker(id, seen.lock) end
  emitJobEvent(id, f)
  return 1
end
`;
}
