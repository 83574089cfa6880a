import { EVENT_LOG_LENGTH } from '../queue.constants';

/*
 * Job events, in Lua, written by the script that makes the change: a job's status changes in the
 * same step as its event is logged, so no status change goes unannounced and no event announces a
 * change that did not happen, whatever crashes in between.
 *
 * Each event is appended to its tenant's event log (a stream capped near EVENT_LOG_LENGTH, whose
 * entry ids are the event ids: ordered, and a position to resume from), published with its id on
 * one channel (every API process keeps one subscriber and fans out to its clients), and, when the
 * job carries a webhook or its tenant has standing subscriptions, queued in the outbox stream for
 * the webhook dispatcher. The layout mirrors QueueKeys.eventLog, eventChannel, eventOutbox and
 * webhookSubscriptions; the JSON is JobEventRecord (job-event-record.ts).
 *
 * Needs rcall, RT and BASE from the including script (facetsPrelude in job-index.script.ts).
 */
export const JOB_EVENTS_LUA = `
local EVENT_LOG_LENGTH = ${EVENT_LOG_LENGTH}
local EVENT_KINDS = {Pending = "pending", Delayed = "delayed", Processing = "processing", Retrying = "retrying",
  Completed = "completed", Failed = "failed", DeadLetter = "dead_letter", Cancelled = "cancelled"}

-- Every field is safe to write unescaped: job ids, tenants (TENANT_PATTERN) and job names
-- (JOB_NAME_PATTERN, or "other") hold no quote or backslash, and progress is JSON already, spliced
-- in byte for byte.
local function eventJson(id, f, kind, at, progress)
  local json = '{"job":"' .. id .. '","tenant":"' .. f.tenant .. '","name":"' .. f.name .. '","status":"' ..
    f.status .. '","event":"' .. kind .. '","at":' .. at
  if progress then json = json .. ',"progress":' .. progress end
  return json .. "}"
end

-- One event of job id, whose facets f already hold the status after the change. kind: nil for a
-- status change (named after the status), or "progress" with progress (JSON text).
local function emitJobEvent(id, f, kind, progress)
  local now = rcall("TIME")
  local at = tostring(tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000))
  local json = eventJson(id, f, kind or EVENT_KINDS[f.status] or "unknown", at, progress)
  local eventId = rcall("XADD", RT .. "events:t:" .. f.tenant, "MAXLEN", "~", EVENT_LOG_LENGTH, "*", "e", json)
  local withId = '{"id":"' .. eventId .. '",' .. string.sub(json, 2)
  rcall("PUBLISH", RT .. "events", withId)
  if rcall("HEXISTS", BASE .. id, "rt_webhook") == 1 or rcall("EXISTS", RT .. "webhooks:t:" .. f.tenant) == 1 then
    rcall("XADD", RT .. "events:outbox", "*", "e", withId)
  end
end
`;
