import { createHash } from 'node:crypto';
import Redis from 'ioredis';
import type { ResolvedQueueOptions } from '@riptide/queue';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix, waitFor } from '@riptide/testing';
import { canonicalJson } from './canonical-json.util';
import { IdempotencyStore } from './idempotency.store';
import { IdempotentRequests, IdempotentRequest } from './idempotent-requests.service';

const redisUrl = testRedisUrl();
/** Longer than the 3 s after which a reservation nobody renews counts as abandoned. */
const WAIT_MS = 4500;

/** A reply that keeps the headers set on it. */
function reply() {
  const headers: Record<string, string> = {};
  return { headers, header: (name: string, value: string) => (headers[name] = value) };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('IdempotentRequests (real Redis)', () => {
  const redis = new Redis(redisUrl);
  const prefix = uniquePrefix('idem');
  const store = new IdempotencyStore(redis, {
    prefix,
    commandTimeoutMs: 2000,
  } as ResolvedQueueOptions);
  const requests = new IdempotentRequests(store, { idempotencyWaitMs: WAIT_MS });
  const request = (key: string, body: unknown = { job_type: { type: 'custom' } }) =>
    ({ tenant: 'default', key, route: 'POST /workers/jobs', body }) satisfies IdempotentRequest;

  afterAll(async () => {
    await deleteKeysWithPrefix(redisUrl, prefix);
    redis.disconnect();
  });

  it('takes over a reservation that nobody renews, and replays the answer of the run that took it', async () => {
    const abandoned = request('order-7');
    // What a request leaves that reserved the key and then could neither finish nor give the key
    // up (Redis refused its submission and its release alike): a reservation nobody renews.
    const fingerprint = sha256(`${abandoned.route}\n${canonicalJson(abandoned.body)}`);
    await redis.set(
      store.recordKey('default', sha256('order-7')),
      JSON.stringify({ state: 'pending', fingerprint, owner: 'gone' }),
      'PX',
      60_000,
    );

    const started = Date.now();
    const retry = await requests.run(abandoned, reply(), async (idFor) => ({ id: idFor(0) }));
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(3000);
    expect(waited).toBeLessThan(WAIT_MS);

    const replayed = reply();
    await expect(
      requests.run(abandoned, replayed, async () => ({ id: 'not run again' })),
    ).resolves.toEqual(retry);
    expect(replayed.headers['Idempotent-Replayed']).toBe('true');
  });

  it('leaves a live holder alone: a repeat waits for it, then answers 409', async () => {
    const live = request('order-8');
    let ran = 0;
    let release!: () => void;
    const held = requests.run(live, reply(), async (idFor) => {
      ran++;
      await new Promise<void>((resolve) => (release = resolve));
      return { id: idFor(0) };
    });
    await waitFor(
      () => ran,
      (n) => n === 1,
      { what: 'the holder to run' },
    );
    await expect(requests.run(live, reply(), async () => ran++)).rejects.toThrow(
      /still being processed/,
    );
    expect(ran).toBe(1);
    release();
    const answer = await held;
    await expect(requests.run(live, reply(), async () => ran++)).resolves.toEqual(answer);
    expect(ran).toBe(1);
  });

  it('refuses the same key with another body while it is held', async () => {
    let ran = false;
    let release!: () => void;
    const held = requests.run(request('order-9', 1), reply(), async () => {
      ran = true;
      await new Promise<void>((resolve) => (release = resolve));
      return 'first';
    });
    await waitFor(
      () => ran,
      (value) => value,
      { what: 'the holder to run' },
    );
    await expect(requests.run(request('order-9', 2), reply(), async () => 'ran')).rejects.toThrow(
      /already used with a different request/,
    );
    release();
    await expect(held).resolves.toBe('first');
  });
});
