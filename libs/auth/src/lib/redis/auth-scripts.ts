import type Redis from 'ioredis';

/** KEYS: secrets, records. ARGV: secret hash. The key's record, or nil: one round trip per lookup. */
const LOOKUP = `
local id = redis.call("HGET", KEYS[1], ARGV[1])
if not id then return nil end
return redis.call("HGET", KEYS[2], id)
`;

/** KEYS: secrets, records. ARGV: secret hash, id, record JSON, most keys. Returns 0 when at the limit. */
const CREATE = `
if redis.call("HLEN", KEYS[2]) >= tonumber(ARGV[4]) then return 0 end
redis.call("HSET", KEYS[1], ARGV[1], ARGV[2])
redis.call("HSET", KEYS[2], ARGV[2], ARGV[3])
return 1
`;

/** KEYS: secrets, records. ARGV: id, channel. Returns 0 when there is no such key. */
const REVOKE = `
local record = redis.call("HGET", KEYS[2], ARGV[1])
if not record then return 0 end
local hash = string.match(record, '"secretHash":"([0-9a-f]+)"')
if hash then redis.call("HDEL", KEYS[1], hash) end
redis.call("HDEL", KEYS[2], ARGV[1])
redis.call("PUBLISH", ARGV[2], ARGV[1])
return 1
`;

const AUTH_SCRIPTS = {
  authLookup: { numberOfKeys: 2, lua: LOOKUP },
  authCreate: { numberOfKeys: 2, lua: CREATE },
  authRevoke: { numberOfKeys: 2, lua: REVOKE },
} as const;

/** A Redis client with the auth scripts defined on it. */
export type ScriptedAuthRedis = Redis & {
  authLookup(secrets: string, records: string, hash: string): Promise<string | null>;
  authCreate(
    secrets: string,
    records: string,
    hash: string,
    id: string,
    record: string,
    maxKeys: number,
  ): Promise<number>;
  authRevoke(secrets: string, records: string, id: string, channel: string): Promise<number>;
};

export function defineAuthScripts(client: Redis): ScriptedAuthRedis {
  for (const [name, script] of Object.entries(AUTH_SCRIPTS))
    if (!(name in client))
      client.defineCommand(name, { numberOfKeys: script.numberOfKeys, lua: script.lua });
  return client as ScriptedAuthRedis;
}
