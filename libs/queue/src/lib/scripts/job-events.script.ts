import { STRUCTURED_FAILURE_PREFIX } from '../model/job-failure.util';
import { WEBHOOK_EVENT_KINDS } from '../model/job.interface';
import {
  OUTBOX_FIELDS,
  WEBHOOK_ERROR_KINDS,
  WEBHOOK_ERROR_MAX_BYTES,
} from '../model/webhook-outbox.util';
import { EVENT_LOG_LENGTH } from '../queue.constants';

const luaSet = (names: readonly string[]) =>
  `{${names.map((name) => `${name} = true`).join(', ')}}`;

/*
 * Job events, in Lua, written by the script that makes the change: a job's status changes in the
 * same step as its event is logged, so no status change goes unannounced and no event announces a
 * change that did not happen, whatever crashes in between.
 *
 * Each event is appended to its tenant's event log (a stream capped near EVENT_LOG_LENGTH, whose
 * entry ids are the event ids: ordered, and a position to resume from) and published with its id
 * on one channel (every API process keeps one subscriber and fans out to its clients). An event
 * that some webhook may be sent (a kind in WEBHOOK_EVENT_KINDS, when the job's own webhook wants
 * it or its tenant has any standing subscription) is also queued in the outbox stream for the
 * webhook dispatcher, with the job's webhook URL and the error the event reports beside it
 * (webhook-outbox.util.ts), so the dispatcher reads no job. The layout mirrors QueueKeys.eventLog,
 * eventChannel, eventOutbox and webhookSubscriptions; the JSON is JobEventRecord (job-event-record.ts).
 *
 * Needs rcall, RT and BASE from the including script (facetsPrelude in job-index.script.ts).
 */
export const JOB_EVENTS_LUA = `
local EVENT_LOG_LENGTH = ${EVENT_LOG_LENGTH}
local EVENT_KINDS = {Pending = "pending", Delayed = "delayed", Processing = "processing", Retrying = "retrying",
  Completed = "completed", Failed = "failed", DeadLetter = "dead_letter", Cancelled = "cancelled"}
local WEBHOOK_KINDS = ${luaSet(WEBHOOK_EVENT_KINDS)}
local WEBHOOK_ERROR_KINDS = ${luaSet(WEBHOOK_ERROR_KINDS)}
local WEBHOOK_ERROR_MAX_BYTES = ${WEBHOOK_ERROR_MAX_BYTES}
local STRUCTURED_FAILURE = ${JSON.stringify(STRUCTURED_FAILURE_PREFIX)}
local STRUCTURED_MESSAGE = '"message":"'

-- Every field is safe to write unescaped: job ids, tenants (TENANT_PATTERN) and job names
-- (JOB_NAME_PATTERN, or "other") hold no quote or backslash, and progress is JSON already, spliced
-- in byte for byte.
local function eventJson(id, f, kind, at, progress)
  local json = '{"job":"' .. id .. '","tenant":"' .. f.tenant .. '","name":"' .. f.name .. '","status":"' ..
    f.status .. '","event":"' .. kind .. '","at":' .. at
  if progress then json = json .. ',"progress":' .. progress end
  return json .. "}"
end

-- The message of a stored failedReason, as decodeJobFailure (job-failure.util.ts) reads it; nil
-- for none. A structured one starts with its message: that JSON string alone is decoded, not the
-- data after it (a batch's per-URL outcomes), which may be large.
local function failureMessage(stored)
  if not stored or stored == "" then return nil end
  if string.sub(stored, 1, #STRUCTURED_FAILURE) ~= STRUCTURED_FAILURE then return stored end
  local open = #STRUCTURED_FAILURE + #STRUCTURED_MESSAGE
  if string.sub(stored, #STRUCTURED_FAILURE + 1, open) == STRUCTURED_MESSAGE then
    local from = open + 1
    while true do
      local at = string.find(stored, '["\\\\]', from)
      if not at then break end
      if string.sub(stored, at, at) == '"' then
        local ok, message = pcall(cjson.decode, string.sub(stored, open, at))
        if ok and type(message) == "string" then return message end
        break
      end
      from = at + 2
    end
  end
  local ok, parsed = pcall(cjson.decode, stored)
  if not ok then return stored end
  if type(parsed) == "table" and type(parsed.message) == "string" then return parsed.message end
  return ""
end

-- At most WEBHOOK_ERROR_MAX_BYTES, never cut inside a UTF-8 character (boundWebhookError).
local function boundedError(text)
  if #text <= WEBHOOK_ERROR_MAX_BYTES then return text end
  local cut = WEBHOOK_ERROR_MAX_BYTES
  while cut > 0 do
    local byte = string.byte(text, cut + 1)
    if byte < 0x80 or byte >= 0xC0 then break end
    cut = cut - 1
  end
  return string.sub(text, 1, cut)
end

-- Queues an event of a webhook kind in the outbox when some target may want it. rt_webhook holds
-- the kinds the job's own webhook wants (",completed,failed,"); "1", written by earlier versions,
-- stands for every kind, and leaves the URL for the dispatcher to read from the job.
local function queueForWebhooks(id, tenant, kind, withId)
  local own = rcall("HMGET", BASE .. id, "rt_webhook", "rt_webhook_url")
  local legacy = own[1] == "1"
  local wanted = legacy or (own[1] and string.find(own[1], "," .. kind .. ",", 1, true) ~= nil)
  if not wanted and rcall("EXISTS", RT .. "webhooks:t:" .. tenant) == 0 then return end
  local fields = {"${OUTBOX_FIELDS.event}", withId}
  if not legacy and (not wanted or own[2]) then
    fields[#fields + 1] = "${OUTBOX_FIELDS.webhook}"
    fields[#fields + 1] = (wanted and own[2]) or ""
  end
  if WEBHOOK_ERROR_KINDS[kind] then
    local message = failureMessage(rcall("HGET", BASE .. id, "failedReason"))
    if message then
      fields[#fields + 1] = "${OUTBOX_FIELDS.error}"
      fields[#fields + 1] = boundedError(message)
    end
  end
  rcall("XADD", RT .. "events:outbox", "*", unpack(fields))
end

-- The script's time in ms, read once: every event a script raises happened in that one step.
local eventTime
local function eventTimeMs()
  if not eventTime then
    local now = rcall("TIME")
    eventTime = tostring(tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000))
  end
  return eventTime
end

-- One event of job id, whose facets f already hold the status after the change. kind: nil for a
-- status change (named after the status), or "progress" with progress (JSON text).
local function emitJobEvent(id, f, kind, progress)
  kind = kind or EVENT_KINDS[f.status] or "unknown"
  local at = eventTimeMs()
  local json = eventJson(id, f, kind, at, progress)
  local eventId = rcall("XADD", RT .. "events:t:" .. f.tenant, "MAXLEN", "~", EVENT_LOG_LENGTH, "*", "e", json)
  local withId = '{"id":"' .. eventId .. '",' .. string.sub(json, 2)
  rcall("PUBLISH", RT .. "events", withId)
  if WEBHOOK_KINDS[kind] then queueForWebhooks(id, f.tenant, kind, withId) end
end
`;
