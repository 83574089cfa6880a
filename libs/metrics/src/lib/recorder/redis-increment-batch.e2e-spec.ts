import Redis from 'ioredis';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix } from '@riptide/testing';
import { RedisIncrementBatch } from './redis-increment-batch';

const url = testRedisUrl();

/** How many HINCRBY commands this Redis has executed so far. */
async function hincrbyCalls(redis: Redis): Promise<number> {
  const stats = await redis.info('commandstats');
  return Number(/cmdstat_hincrby:calls=(\d+)/.exec(stats)?.[1] ?? 0);
}

describe('RedisIncrementBatch (real Redis)', () => {
  const redis = new Redis(url);
  const prefix = uniquePrefix('batch');
  afterAll(async () => {
    await deleteKeysWithPrefix(url, prefix);
    redis.disconnect();
  });

  it('sums the increments of one turn into one HINCRBY per field; the last SET wins', async () => {
    const errors: Error[] = [];
    const batch = new RedisIncrementBatch(redis, (error) => errors.push(error));
    const before = await hincrbyCalls(redis);
    for (let i = 0; i < 50; i += 1) {
      batch.hincrby(`${prefix}:counters`, 'submitted', 1);
      batch.hincrby(`${prefix}:counters`, 'submitted:custom', 2);
      batch.set(`${prefix}:last`, i);
    }
    await batch.flush();
    expect(await redis.hgetall(`${prefix}:counters`)).toEqual({
      submitted: '50',
      'submitted:custom': '100',
    });
    expect(await redis.get(`${prefix}:last`)).toBe('49');
    expect((await hincrbyCalls(redis)) - before).toBe(2);
    expect(errors).toEqual([]);
  });

  it('writes on the next turn without being asked, and keeps counting after a flush', async () => {
    const batch = new RedisIncrementBatch(redis, () => undefined);
    batch.hincrby(`${prefix}:later`, 'n', 3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await redis.hget(`${prefix}:later`, 'n')).toBe('3');
    batch.hincrby(`${prefix}:later`, 'n', 4);
    await batch.flush();
    expect(await redis.hget(`${prefix}:later`, 'n')).toBe('7');
  });

  it('reports a failed pipeline to its error callback instead of throwing', async () => {
    const errors: Error[] = [];
    const batch = new RedisIncrementBatch(redis, (error) => errors.push(error));
    await redis.set(`${prefix}:not-a-hash`, 'x');
    batch.hincrby(`${prefix}:not-a-hash`, 'n', 1);
    await batch.flush();
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/WRONGTYPE/);
  });
});
