// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="../scripts/bull-internals.d.ts" />
import type Bull from 'bull';
import bullScripts from 'bull/lib/scripts';
import type Redis from 'ioredis';
import { connectTestRedis, testRedisUrl } from '@riptide/testing';
import { KEEP_JOBS_LUA } from '../scripts/attempt.script';
import { keepJobsArgs } from './fenced-attempt';

type KeepJobs = Bull.JobOptions['removeOnComplete'];

/** The keep-jobs option bull's own moveToFinishedArgs packs for a job (its ARGV[6], a Buffer). */
function packedByBull(keep: KeepJobs): Buffer {
  const queue = {
    keys: {
      active: 'a',
      completed: 'c',
      wait: 'w',
      priority: 'p',
      delayed: 'd',
      stalled: 's',
      '': '',
    },
    toKey: (name: string) => name,
    token: 't',
    settings: { lockDuration: 30_000 },
  };
  const job = { id: '1', finishedOn: 0, queue } as unknown as Bull.Job;
  return bullScripts.moveToFinishedArgs(job, 'null', 'returnvalue', keep, 'completed', false, true)[
    9 + 5
  ] as Buffer;
}

describe('keep-jobs passed as text (real Redis)', () => {
  let redis: Redis;

  beforeAll(() => {
    redis = connectTestRedis(testRedisUrl());
  });

  afterAll(() => redis.disconnect());

  /** What bull's move scripts read of a packed keep-jobs option (cmsgpack.unpack), as JSON. */
  const unpacked = async (lua: string, ...args: (string | Buffer)[]): Promise<unknown> =>
    JSON.parse((await redis.eval(lua, 0, ...args)) as string);

  it.each<[string, KeepJobs]>([
    ['unset', undefined],
    ['false (keep every job)', false],
    ['true (remove at once)', true],
    ['a count', 5],
    ['an age', { age: 3600 }],
    ['a count of none', 0],
    ['a count in the object', { count: 5 }],
    ['a count and an age', { count: 100, age: 60 }],
    ['an empty object', {}],
  ])('gives bull’s move scripts what bull’s own packing does: %s', async (_case, keep) => {
    const ours = await unpacked(
      `${KEEP_JOBS_LUA} return cjson.encode(cmsgpack.unpack(keepJobs(ARGV[1], ARGV[2])))`,
      ...keepJobsArgs(keep),
    );
    const bulls = await unpacked(
      'return cjson.encode(cmsgpack.unpack(ARGV[1]))',
      packedByBull(keep),
    );
    expect(ours).toEqual(bulls);
  });
});
