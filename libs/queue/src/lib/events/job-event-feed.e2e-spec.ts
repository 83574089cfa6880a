import type { INestApplicationContext } from '@nestjs/common';
import type Redis from 'ioredis';
import {
  connectTestRedis,
  deleteKeysWithPrefix,
  testRedisUrl,
  uniquePrefix,
  waitFor,
} from '@riptide/testing';
import { bootTestQueueApp } from '../queue-app.spec-helper';
import { QueueKeys } from '../redis/queue-keys';
import { InvalidEventIdError } from '../errors/invalid-event-id.error';
import { EVENT_LOG_LENGTH, RIPTIDE_QUEUE_NAME } from '../queue.constants';
import { JobEventRecord } from '../model/job-event-record';
import { JobEventFeed } from './job-event-feed.service';

const redisUrl = testRedisUrl();

describe('JobEventFeed (real Redis)', () => {
  let app: INestApplicationContext;
  let feed: JobEventFeed;
  let redis: Redis;
  let keys: QueueKeys;
  let prefix: string;

  /** Logs and publishes an event the way the queue's scripts do: XADD to the tenant log, then PUBLISH with the id. */
  const raise = async (event: Omit<JobEventRecord, 'id' | 'at'>): Promise<string> => {
    const body = { ...event, at: Date.now() };
    const id = (await redis.xadd(
      keys.eventLog(event.tenant),
      'MAXLEN',
      '~',
      String(EVENT_LOG_LENGTH),
      '*',
      'e',
      JSON.stringify(body),
    )) as string;
    await redis.publish(keys.eventChannel, JSON.stringify({ id, ...body }));
    return id;
  };
  const ev = (job: string, tenant = 'acme', event: JobEventRecord['event'] = 'progress') =>
    ({ job, tenant, name: 'custom:echo', status: 'Processing', event }) as const;

  beforeEach(async () => {
    prefix = uniquePrefix('events-feed');
    keys = new QueueKeys(prefix, RIPTIDE_QUEUE_NAME);
    redis = connectTestRedis(redisUrl);
    app = await bootTestQueueApp({ redisUrl, prefix, poolSize: 0 });
    feed = app.get(JobEventFeed);
  });

  afterEach(async () => {
    await app.close();
    redis.disconnect();
    await deleteKeysWithPrefix(redisUrl, prefix);
  });

  it('reads the log after an id, exclusive, oldest first; refuses an id that is not one', async () => {
    const a = await raise(ev('a'));
    const b = await raise(ev('b'));
    const c = await raise(ev('c'));
    expect((await feed.since('acme', '0-0')).map((e) => [e.id, e.job])).toEqual([
      [a, 'a'],
      [b, 'b'],
      [c, 'c'],
    ]);
    expect((await feed.since('acme', a)).map((e) => e.job)).toEqual(['b', 'c']);
    expect((await feed.since('acme', a, 1)).map((e) => e.job)).toEqual(['b']);
    expect(await feed.since('other', '0-0')).toEqual([]);
    expect(await feed.latestId('acme')).toBe(c);
    expect(await feed.latestId('other')).toBe('0-0');
    await expect(feed.since('acme', '12')).rejects.toThrow(InvalidEventIdError);
    await expect(feed.since('acme', 'abc-1')).rejects.toThrow(
      'Last-Event-ID must be the id of an event',
    );
  });

  it('resumes without gaps or repeats while events keep coming during the catch-up', async () => {
    const before = [];
    for (let i = 0; i < 1200; i += 1) before.push(await raise(ev(`old-${i}`)));
    const resumeAfter = before[199];
    const follower = await feed.follow('acme');
    const seen: JobEventRecord[] = [];
    // Events raised while the follower reads the 1,000 logged ones reach it live and through the log.
    const during = (async () => {
      for (let i = 0; i < 50; i += 1) await raise(ev(`new-${i}`));
    })();
    await follower.start(resumeAfter, (event) => seen.push(event));
    await during;
    await raise(ev('last'));
    await waitFor(
      () => seen.length,
      (n) => n >= 1051,
      { what: 'every event after the resume point', timeoutMs: 5000 },
    );
    const jobs = seen.map((e) => e.job);
    expect(jobs).toEqual([
      ...Array.from({ length: 1000 }, (_, i) => `old-${i + 200}`),
      ...Array.from({ length: 50 }, (_, i) => `new-${i}`),
      'last',
    ]);
    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    follower.close();
    expect(feed.followerCount).toBe(0);

    // An id with leading zeros names the same place.
    const [ms, seq] = before[1198].split('-');
    const padded = await feed.follow('acme');
    const tail: string[] = [];
    await padded.start(`000${ms}-00${seq}`, (event) => tail.push(event.job));
    expect(tail).toEqual(['old-1199', ...Array.from({ length: 50 }, (_, i) => `new-${i}`), 'last']);
    padded.close();
  });

  it("delivers only its tenant's events that its filter takes, and nothing after close", async () => {
    const follower = await feed.follow('acme', (e) => e.job.startsWith('keep'));
    const seen: string[] = [];
    await follower.start(await feed.latestId('acme'), (event) => seen.push(event.job));
    await raise(ev('keep-1'));
    await raise(ev('keep-other', 'globex'));
    await raise(ev('drop-1'));
    await raise(ev('keep-2'));
    await waitFor(
      () => seen.length,
      (n) => n >= 2,
      { what: 'two events', timeoutMs: 5000 },
    );
    follower.close();
    await raise(ev('keep-3'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen).toEqual(['keep-1', 'keep-2']);
  });

  it('after its subscriber connection drops, reads what was published meanwhile from the log', async () => {
    const follower = await feed.follow('acme');
    const seen: string[] = [];
    await follower.start('0-0', (event) => seen.push(event.job));
    await raise(ev('before'));
    await waitFor(
      () => seen.length,
      (n) => n === 1,
      { what: 'the first event', timeoutMs: 5000 },
    );
    // Drop the feed's pub/sub connection from the server side; ioredis reconnects by itself.
    const clients = await redis.client('LIST');
    const line = String(clients)
      .split('\n')
      .find((l) => l.includes('name=riptide-job-events'));
    const id = /id=(\d+)/.exec(line ?? '')?.[1];
    expect(id).toBeDefined();
    await redis.client('KILL', 'ID', id!);
    await raise(ev('while-away'));
    await raise(ev('while-away-2'));
    await waitFor(
      () => seen.length,
      (n) => n >= 3,
      { what: 'the missed events', timeoutMs: 8000 },
    );
    await raise(ev('after'));
    await waitFor(
      () => seen.length,
      (n) => n >= 4,
      { what: 'a live event again', timeoutMs: 5000 },
    );
    expect(seen).toEqual(['before', 'while-away', 'while-away-2', 'after']);
    follower.close();
  });
});
