import { createHash } from 'node:crypto';
import Redis from 'ioredis';
import type { ResolvedQueueOptions } from '@riptide/queue';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix, waitFor } from '@riptide/testing';
import { IdempotencyStore } from './idempotency.store';
import { IdempotentRequests, IdempotentRequest } from './idempotent-requests.service';

const redisUrl = testRedisUrl();
const WAIT_MS = 300;

/** A reply that keeps the headers set on it. */
function reply() {
  const headers: Record<string, string> = {};
  return { headers, header: (name: string, value: string) => (headers[name] = value) };
}

describe('IdempotentRequests (real Redis)', () => {
  const redis = new Redis(redisUrl);
  const prefix = uniquePrefix('idem');
  const store = new IdempotencyStore(redis, {
    prefix,
    commandTimeoutMs: 2000,
  } as ResolvedQueueOptions);
  const requests = new IdempotentRequests(store, { idempotencyWaitMs: WAIT_MS });

  afterAll(async () => {
    await deleteKeysWithPrefix(redisUrl, prefix);
    redis.disconnect();
  });

  it('takes over a reservation whose holder never answers, and creates what the holder would have', async () => {
    const request: IdempotentRequest = {
      tenant: 'default',
      key: 'order-7',
      route: 'POST /workers/jobs',
      body: { job_type: { type: 'custom', job_name: 'x' } },
    };
    // The holder reserves the key and then never answers nor gives the key up (as a request does
    // whose submission and release Redis both refused).
    let holderId: string | undefined;
    void requests.run(request, reply(), (idFor) => {
      holderId = idFor(0);
      return new Promise<never>(() => undefined);
    });
    await waitFor(
      () => holderId,
      (id) => id !== undefined,
      { what: 'the holder to run' },
    );

    const started = Date.now();
    const retry = await requests.run(request, reply(), async (idFor) => ({ id: idFor(0) }));
    // It waited the holder's whole turn, then ran with the same derived id: the job the holder
    // would have made, so a holder still running would find it and not make a second.
    expect(Date.now() - started).toBeGreaterThanOrEqual(WAIT_MS);
    expect(retry).toEqual({ id: holderId });

    const replayed = reply();
    await expect(
      requests.run(request, replayed, async () => ({ id: 'not run again' })),
    ).resolves.toEqual({ id: holderId });
    expect(replayed.headers['Idempotent-Replayed']).toBe('true');
  });

  it('refuses the same key with another body while it is held, and never takes it over', async () => {
    const base: IdempotentRequest = {
      tenant: 'default',
      key: 'order-8',
      route: 'POST /x',
      body: 1,
    };
    void requests.run(base, reply(), () => new Promise<never>(() => undefined));
    await waitFor(
      () => redis.exists(store.recordKey('default', sha256('order-8'))),
      (n) => n === 1,
      { what: 'the reservation' },
    );
    await expect(requests.run({ ...base, body: 2 }, reply(), async () => 'ran')).rejects.toThrow(
      /already used with a different request/,
    );
  });
});

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
