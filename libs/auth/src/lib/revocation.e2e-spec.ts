import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix, waitFor } from '@riptide/testing';
import { ApiKeyService } from './api-key.service';
import { AuthModule } from './auth.module';
import { Authenticator } from './authenticator.service';

const redisUrl = testRedisUrl();
const adminKey = 'a'.repeat(40);

describe('API keys across processes (real Redis, two application contexts)', () => {
  const prefix = uniquePrefix('auth');
  const contexts: INestApplicationContext[] = [];
  // A long cache: only the published revocation can make the second context forget the key in time.
  const boot = async () => {
    const context = await NestFactory.createApplicationContext(
      AuthModule.forRoot({ mode: 'keys', adminKey, redisUrl, prefix, cacheTtlMs: 60_000 }),
      { logger: false },
    );
    contexts.push(context);
    return context;
  };

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await deleteKeysWithPrefix(redisUrl, prefix);
  });

  it('authenticates a key with its tenant and scopes, and the admin key as the operator', async () => {
    const context = await boot();
    const created = await context
      .get(ApiKeyService)
      .create({ name: 'reader', tenant: 'acme', scopes: ['jobs:read'], maxPriority: 'Normal' });
    expect(created.key).toMatch(/^rt_[A-Za-z0-9_-]{43}$/);
    expect(created.keyPrefix).toBe(created.key.slice(0, 11));
    const authenticator = context.get(Authenticator);
    expect(await authenticator.authenticate(created.key)).toEqual({
      keyId: created.id,
      name: 'reader',
      tenant: 'acme',
      scopes: ['jobs:read'],
      admin: false,
      limits: { maxPriority: 'Normal' },
    });
    expect(await authenticator.authenticate(adminKey)).toMatchObject({
      keyId: null,
      admin: true,
      tenant: 'default',
    });
    expect(await authenticator.authenticate(`${created.key}x`)).toBeNull();
    expect(await authenticator.authenticate(adminKey.slice(1))).toBeNull();
  });

  it('forgets a key revoked by another process at once, though it had it cached', async () => {
    const [first, second] = [await boot(), await boot()];
    const created = await first
      .get(ApiKeyService)
      .create({ name: 'doomed', tenant: 'acme', scopes: ['admin'] });
    const remote = second.get(Authenticator);
    expect(await remote.authenticate(created.key)).toMatchObject({ admin: true });
    await first.get(ApiKeyService).revoke(created.id);
    await waitFor(
      () => remote.authenticate(created.key),
      (principal) => principal === null,
      { timeoutMs: 1000, what: 'the revocation to reach the other process' },
    );
    await expect(first.get(ApiKeyService).get(created.id)).rejects.toThrow(
      `API key ${created.id} not found`,
    );
    await expect(first.get(ApiKeyService).revoke(created.id)).rejects.toThrow('not found');
  });

  it('refuses keys mode without an admin key of at least 32 characters', () => {
    expect(() =>
      AuthModule.forRoot({ mode: 'keys', adminKey: 'short', redisUrl, prefix }),
    ).not.toThrow();
    return expect(
      NestFactory.createApplicationContext(
        AuthModule.forRoot({ mode: 'keys', adminKey: 'short', redisUrl, prefix }),
        { logger: false, abortOnError: false },
      ),
    ).rejects.toThrow('keys mode needs an adminKey of at least 32 characters');
  });
});
