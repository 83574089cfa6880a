import type Redis from 'ioredis';

/**
 * A token bucket in one atomic step, on Redis's clock (every API process shares one budget, and
 * their clocks need not agree). Takes up to ARGV[3] tokens: all of them, or with ARGV[4] = "1"
 * as many as there are (a bulk submission, or a lease of tokens, takes what the bucket holds).
 * KEYS: bucket. ARGV: rate per second, burst, tokens wanted, partial ("1"/"0"), and optionally how
 * many tokens the wait for a refusal is counted for (default: those refused; a lease needs one).
 * Returns {tokens granted, tokens left (floor), ms until the tokens waited for would be there, ms until full}.
 */
const TAKE_TOKENS = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local wanted = tonumber(ARGV[3])
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call("HMGET", KEYS[1], "tokens", "at")
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = burst
else
  tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
end
local granted = 0
if tokens >= wanted then
  granted = wanted
elseif ARGV[4] == "1" then
  granted = math.floor(tokens)
end
tokens = tokens - granted
redis.call("HSET", KEYS[1], "tokens", tostring(tokens), "at", now)
local fullIn = math.ceil((burst - tokens) * 1000 / rate)
redis.call("PEXPIRE", KEYS[1], fullIn + 1000)
local retryIn = 0
local waitFor = tonumber(ARGV[5]) or (wanted - granted)
if granted < wanted then retryIn = math.max(0, math.ceil((math.min(waitFor, burst) - tokens) * 1000 / rate)) end
return {granted, math.floor(tokens), retryIn, fullIn}
`;

export type RateLimitRedis = Redis & {
  authTakeTokens(
    bucket: string,
    ratePerSec: number,
    burst: number,
    wanted: number,
    partial: '0' | '1',
    waitFor?: number,
  ): Promise<[number, number, number, number]>;
};

export function defineRateLimitScript(client: Redis): RateLimitRedis {
  if (!('authTakeTokens' in client))
    client.defineCommand('authTakeTokens', { numberOfKeys: 1, lua: TAKE_TOKENS });
  return client as RateLimitRedis;
}
