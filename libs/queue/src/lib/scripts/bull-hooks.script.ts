// The types of an untyped deep import must come along into every program that compiles this file
// (the apps compile the library from source), which only a reference does; an import of a .d.ts would
// be a runtime require of a file that does not exist.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./bull-internals.d.ts" />
import bullScripts from 'bull/lib/scripts/index';
import { jobIndexLibrary } from './job-index.script';

/*
 * bull moves jobs inside its own Lua (moveToActive, moveToFinished with its removal by age,
 * moveToDelayed, updateDelaySet, the stalled check, clean...). To keep the listing indexes exact
 * without a second, racing step, each of those scripts runs here with the index upkeep added to
 * the same script: bull's own text, unchanged, inside a function that sees a `redis.call` which
 * notes the jobs it touches (added to or removed from one of bull's lists or sets, its hash
 * written or deleted); once bull's code has returned, syncJob brings each touched job's index
 * entries in line with where bull left it. The command names stay bull's, and bull defines a
 * command only when the client lacks it (bull 4 Queue's loadCommands), so defining these on the
 * connection before the bull queue is created makes bull run them, with its own arguments.
 */

/** bull's scripts that can change where a job is, or delete it. */
const MOVING_SCRIPTS = [
  'addJob-6',
  'moveToActive-8',
  'moveToFinished-9',
  'moveToDelayed-4',
  'retryJob-7',
  'updateDelaySet-6',
  'moveStalledJobsToWait-7',
  'promote-5',
  'reprocessJob-6',
  'retryJobs-5',
  'cleanJobsInSet-3',
  'removeJob-11',
  'removeJobs-8',
  'obliterate-2',
] as const;

// Which commands can concern a job: what to look at in their arguments (see watchedCall).
// Besides which jobs were touched, it keeps what it saw of each (seen[id]): the place the last
// command that put it somewhere put it in (nil again once a command takes it out of one), and the
// lock token written for it. syncJob takes these instead of reading them back.
const WATCH = `
local touchedSet, touched, seen = {}, {}, {}
local function touch(id, place)
  if id == nil or id == false then return end
  id = tostring(id)
  if not touchedSet[id] then
    touchedSet[id] = true
    touched[#touched + 1] = id
    seen[id] = {}
  end
  if place ~= nil then seen[id].place = place or nil end
end
-- bull's place keys → place names.
local PLACES = {}
for _, name in ipairs({"wait", "paused", "active", "delayed", "completed", "failed"}) do PLACES[BASE .. name] = name end
-- A job's hash key: the base, then a job id (a UUID, or bull's counter for a job added without one).
local function jobIdOf(key)
  if type(key) ~= "string" or string.sub(key, 1, #BASE) ~= BASE then return nil end
  local id = string.sub(key, #BASE + 1)
  if string.match(id, "^%x+%-%x+%-%x+%-%x+%-%x+$") or string.match(id, "^%d+$") then return id end
  return nil
end
local KIND = {
  ZADD = "scored", LPUSH = "members", RPUSH = "members", ZREM = "members", LINSERT = "inserted", LREM = "removed",
  RPOPLPUSH = "moved", LMOVE = "moved", HSET = "hash", HMSET = "hash", HINCRBY = "hash", HDEL = "hash", DEL = "keys",
  SET = "lock",
}
-- The commands that take their members out of the place they name; the others put them in it
-- (touch's place).
local TAKES_OUT = {ZREM = true, LREM = true}
local LOCK_SUFFIX = ":lock"
local function watchedCall(command, ...)
  local upper = string.upper(command)
  local kind = KIND[upper]
  if not kind then return rcall(command, ...) end
  local args = {...}
  local result = rcall(command, ...)
  if kind == "moved" then
    touch(result, PLACES[args[2]] or false)
  elseif kind == "hash" then
    touch(jobIdOf(args[1]))
  elseif kind == "keys" then
    for i = 1, #args do touch(jobIdOf(args[i]), false) end
  elseif kind == "lock" then
    local key = args[1]
    if type(key) == "string" and string.sub(key, -#LOCK_SUFFIX) == LOCK_SUFFIX then
      local id = jobIdOf(string.sub(key, 1, -#LOCK_SUFFIX - 1))
      if id then
        touch(id)
        seen[id].lock = args[2]
      end
    end
  elseif PLACES[args[1]] then
    local place = (not TAKES_OUT[upper] and PLACES[args[1]]) or false
    if kind == "scored" then
      for i = 3, #args, 2 do touch(args[i], place) end
    elseif kind == "members" then
      for i = 2, #args do touch(args[i], place) end
    elseif kind == "inserted" then
      touch(args[4], place)
    elseif kind == "removed" then
      touch(args[3], place)
    end
  end
  return result
end
`;

/** bull's script text run with the index upkeep (see the comment at the top). */
export function withIndexUpkeep(base: string, bullLua: string): string {
  return `${jobIndexLibrary(base)}${WATCH}
local redis = setmetatable({ call = watchedCall }, { __index = redis })
local function bullScript()
${bullLua}
end
local result = bullScript()
for _, id in ipairs(touched) do syncJob(id, false, seen[id]) end
return result
`;
}

/**
 * A script of our own that calls some of bull's scripts, each with the index upkeep, as local
 * functions: `functions` maps a Lua function name to a bull script file, and the function takes
 * that script's KEYS and ARGV as its parameters (bull's text reads them as globals; the parameters
 * shadow those). `main` calls them, then `syncTouched()` before returning.
 */
export function composeWithBullScripts(
  base: string,
  functions: Record<string, (typeof MOVING_SCRIPTS)[number]>,
  main: string,
): string {
  const bodies = Object.entries(functions).map(
    ([name, file]) => `local function ${name}(KEYS, ARGV)\n${bullScript(file).content}\nend\n`,
  );
  return `${jobIndexLibrary(base)}${WATCH}
local redis = setmetatable({ call = watchedCall }, { __index = redis })
${bodies.join('')}
local function syncTouched()
  for _, id in ipairs(touched) do syncJob(id, false, seen[id]) end
end
${main}`;
}

function bullScript(file: string) {
  const script = bullScripts[file];
  // A bull upgrade that renames or drops a script must fail loudly, not run jobs unindexed.
  if (!script) throw new Error(`bull has no script ${file}; the index upkeep needs bull 4.16`);
  return script;
}

export interface HookedBullScript {
  name: string;
  numberOfKeys: number;
  lua: string;
}

/** bull's job-moving scripts with the index upkeep, for the queue whose key base is `base`. */
export function hookedBullScripts(base: string): HookedBullScript[] {
  return MOVING_SCRIPTS.map((file) => {
    const script = bullScript(file);
    return {
      name: script.name,
      numberOfKeys: script.keys,
      lua: withIndexUpkeep(base, script.content),
    };
  });
}
