import type Redis from 'ioredis';

/*
 * Deleting a consumer that still holds entries would drop them from the group's pending list, and
 * no dispatcher would ever take them over: the check and the delete are one script, so an entry
 * handed to the consumer in between cannot be lost. KEYS: the stream. ARGV: group, consumer.
 */
const RETIRE = `
local pending = redis.pcall("XPENDING", KEYS[1], ARGV[1], "-", "+", 1, ARGV[2])
if type(pending) ~= "table" or pending.err then return -1 end
if #pending > 0 then return 0 end
redis.call("XGROUP", "DELCONSUMER", KEYS[1], ARGV[1], ARGV[2])
return 1
`;

/** What retireConsumer did. */
export type RetiredConsumer = 'retired' | 'holding' | 'no_group';

/**
 * Deletes `consumer` from `group` of `stream` unless it holds pending entries (those are left for
 * another consumer to take over, with the consumer). `no_group`: the stream or group is gone.
 */
export async function retireConsumer(
  client: Redis,
  stream: string,
  group: string,
  consumer: string,
): Promise<RetiredConsumer> {
  const outcome = Number(await client.eval(RETIRE, 1, stream, group, consumer));
  return outcome === 1 ? 'retired' : outcome === 0 ? 'holding' : 'no_group';
}
