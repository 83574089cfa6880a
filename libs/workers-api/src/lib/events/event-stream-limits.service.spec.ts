import { HttpException } from '@nestjs/common';
import type { Principal } from '@riptide/auth';
import { EventStreamsFullError } from '../errors/event-streams-full.error';
import { EventStreamLimits } from './event-stream-limits.service';

const principal = (keyId: string | null, admin = false): Principal => ({
  keyId,
  name: keyId ?? 'admin',
  tenant: 'acme',
  scopes: admin ? ['admin'] : ['jobs:read'],
  admin,
  limits: {},
});

describe('EventStreamLimits', () => {
  it('caps each key, frees a place on release (once), and leaves other keys alone', () => {
    const limits = new EventStreamLimits({ sseMaxConnections: 10, sseMaxConnectionsPerKey: 2 });
    const a = principal('key-a');
    const first = limits.acquire(a);
    limits.acquire(a);
    let refusal: unknown;
    try {
      limits.acquire(a);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(HttpException);
    expect((refusal as HttpException).getStatus()).toBe(429);
    expect(() => limits.acquire(principal('key-b'))).not.toThrow();
    first();
    first();
    expect(limits.open).toBe(2);
    expect(() => limits.acquire(a)).not.toThrow();
  });

  it('exempts the admin key from the per-key cap, not from the process cap', () => {
    const limits = new EventStreamLimits({ sseMaxConnections: 3, sseMaxConnectionsPerKey: 1 });
    const admin = principal(null, true);
    const releases = [limits.acquire(admin), limits.acquire(admin), limits.acquire(admin)];
    expect(() => limits.acquire(admin)).toThrow(EventStreamsFullError);
    expect(() => limits.acquire(principal('key-a'))).toThrow(
      'This server holds its maximum of 3 event streams (SSE_MAX_CONNECTIONS); try again later or on another server',
    );
    releases.forEach((release) => release());
    expect(limits.open).toBe(0);
  });

  it('defaults to 1000 per process and 50 per key', () => {
    const limits = new EventStreamLimits({});
    const a = principal('key-a');
    for (let i = 0; i < 50; i += 1) limits.acquire(a);
    expect(() => limits.acquire(a)).toThrow(
      'This key already holds 50 event streams on this server (SSE_MAX_CONNECTIONS_PER_KEY); close one first',
    );
  });
});
