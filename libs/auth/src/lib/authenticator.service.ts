import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { DEFAULT_TENANT } from '@riptide/queue';
import type Redis from 'ioredis';
import { ApiKeyService } from './api-key.service';
import { ResolvedAuthOptions } from './auth-options.interface';
import { ADMIN_SCOPE, AUTH_SUBSCRIBER, RESOLVED_AUTH_OPTIONS } from './auth.constants';
import { KeyDefaults } from './auth-options.interface';
import { Principal, limitsOf, operatorPrincipal } from './principal.interface';
import { timingSafeEqual } from 'node:crypto';
import { secretDigest } from './secret-hash.util';

/** Most distinct keys one process remembers; a flood of them only costs lookups. */
const MAX_CACHED_KEYS = 10_000;

/**
 * Turns a presented secret into the caller. Lookups are remembered for `cacheTtlMs` (1 s), and a
 * revocation published by any process clears them at once, so a revoked key stops working
 * everywhere within the TTL even when a message is lost.
 */
@Injectable()
export class Authenticator implements OnModuleInit {
  private readonly cache = new Map<string, { principal: Principal; expiresAt: number }>();
  private readonly operator: Principal = operatorPrincipal('admin', DEFAULT_TENANT);
  private readonly adminDigest: Buffer | null;

  constructor(
    @Inject(RESOLVED_AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    @Inject(AUTH_SUBSCRIBER) private readonly subscriber: Redis | null,
    private readonly keys: ApiKeyService,
  ) {
    this.adminDigest = options.adminKey ? secretDigest(options.adminKey) : null;
  }

  onModuleInit(): void {
    if (!this.subscriber) return;
    this.subscriber.on('message', () => this.cache.clear());
    // A connection that drops may miss a revocation: forget everything learnt before it.
    this.subscriber.on('close', () => this.cache.clear());
    this.subscriber.subscribe(this.keys.keys.revokedChannel).catch(() => undefined);
  }

  /** True in open mode: nobody needs a key. */
  get open(): boolean {
    return this.options.mode === 'open';
  }

  /** The caller of a request without a key in open mode. */
  get anonymous(): Principal | null {
    return this.open ? this.operator : null;
  }

  /** The caller's limits: its key's own, else the operator's defaults. */
  limitsOf(principal: Principal): KeyDefaults {
    return limitsOf(principal, this.options.defaults);
  }

  /** The caller a secret stands for, or null when it is unknown or revoked. */
  async authenticate(secret: string): Promise<Principal | null> {
    if (this.open) return this.operator;
    // One digest serves both the constant-time admin comparison and the lookup.
    const digest = secretDigest(secret);
    if (this.adminDigest && timingSafeEqual(digest, this.adminDigest)) return this.operator;
    const hash = digest.toString('hex');
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached && cached.expiresAt > now) return cached.principal;
    const record = await this.keys.findBySecretHash(hash);
    if (!record) {
      this.cache.delete(hash);
      return null;
    }
    const principal: Principal = {
      keyId: record.id,
      name: record.name,
      tenant: record.tenant,
      scopes: record.scopes,
      admin: record.scopes.includes(ADMIN_SCOPE),
      limits: record.limits,
    };
    if (this.cache.size >= MAX_CACHED_KEYS) this.cache.clear();
    this.cache.set(hash, { principal, expiresAt: now + this.options.cacheTtlMs });
    return principal;
  }
}
