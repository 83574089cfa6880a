import { Inject, Injectable } from '@nestjs/common';
import { withRedisDeadline } from '@riptide/redis';
import { randomUUID } from 'node:crypto';
import { ApiKeyInput, ApiKeyRecord, CreatedApiKey, KeyLimits } from './api-key.interface';
import { validateApiKeyInput } from './api-key-validation.util';
import { ResolvedAuthOptions } from './auth-options.interface';
import { AUTH_REDIS, KEY_PREFIX_LENGTH, RESOLVED_AUTH_OPTIONS, Scope } from './auth.constants';
import { ApiKeyLimitError } from './errors/api-key-limit.error';
import { ApiKeyNotFoundError } from './errors/api-key-not-found.error';
import { ApiKeyValidationError } from './errors/api-key-validation.error';
import { AuthKeys } from './redis/auth-keys';
import { ScriptedAuthRedis } from './redis/auth-scripts';
import { generateSecret, hashSecret } from './secret-hash.util';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A key as kept in Redis: the record plus the hash of its secret, never the secret. */
interface StoredKey {
  id: string;
  name: string;
  tenant: string;
  scopes: Scope[];
  keyPrefix: string;
  createdAt: number;
  limits: KeyLimits;
  secretHash: string;
}

/** Creates, lists and revokes API keys. Redis is the only copy; every process reads it. */
@Injectable()
export class ApiKeyService {
  readonly keys: AuthKeys;

  constructor(
    @Inject(RESOLVED_AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
    @Inject(AUTH_REDIS) private readonly redis: ScriptedAuthRedis,
  ) {
    this.keys = new AuthKeys(options.prefix);
  }

  /** Makes a key; the answer is the only place its secret ever appears. */
  async create(input: ApiKeyInput, fieldName?: (field: string) => string): Promise<CreatedApiKey> {
    const problems = validateApiKeyInput(input, fieldName);
    if (problems.length) throw new ApiKeyValidationError(problems);
    const secret = generateSecret();
    const limits: KeyLimits = {};
    for (const field of [
      'rateLimitPerSec',
      'burst',
      'maxActiveJobs',
      'maxSchedules',
      'maxPriority',
    ] as const)
      if (input[field] !== undefined) (limits as Record<string, unknown>)[field] = input[field];
    const stored: StoredKey = {
      id: randomUUID(),
      name: input.name.trim(),
      tenant: input.tenant,
      scopes: [...new Set(input.scopes)],
      keyPrefix: secret.slice(0, KEY_PREFIX_LENGTH),
      createdAt: Date.now(),
      limits,
      secretHash: hashSecret(secret),
    };
    const created = await this.guard(() =>
      this.redis.authCreate(
        this.keys.secrets,
        this.keys.records,
        stored.secretHash,
        stored.id,
        JSON.stringify(stored),
        this.options.maxKeys,
      ),
    );
    if (!created) throw new ApiKeyLimitError(this.options.maxKeys);
    return { ...toRecord(stored), key: secret };
  }

  /** Every key, oldest first. */
  async list(): Promise<ApiKeyRecord[]> {
    const all = await this.guard(() => this.redis.hvals(this.keys.records));
    return all
      .map((raw) => toRecord(JSON.parse(raw) as StoredKey))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  async get(id: string): Promise<ApiKeyRecord> {
    const raw = UUID.test(id)
      ? await this.guard(() => this.redis.hget(this.keys.records, id))
      : null;
    if (!raw) throw new ApiKeyNotFoundError(id);
    return toRecord(JSON.parse(raw) as StoredKey);
  }

  /** Deletes a key and tells every process to forget it at once. */
  async revoke(id: string): Promise<void> {
    const revoked = UUID.test(id)
      ? await this.guard(() =>
          this.redis.authRevoke(this.keys.secrets, this.keys.records, id, this.keys.revokedChannel),
        )
      : 0;
    if (!revoked) throw new ApiKeyNotFoundError(id);
  }

  /** The record of the key whose secret has this SHA-256 (hex), or null; one round trip. */
  async findBySecretHash(hash: string): Promise<ApiKeyRecord | null> {
    const raw = await this.guard(() =>
      this.redis.authLookup(this.keys.secrets, this.keys.records, hash),
    );
    return raw ? toRecord(JSON.parse(raw) as StoredKey) : null;
  }

  private guard<T>(operation: () => Promise<T>): Promise<T> {
    return withRedisDeadline(this.redis, this.options.commandTimeoutMs, operation);
  }
}

function toRecord(stored: StoredKey): ApiKeyRecord {
  return {
    id: stored.id,
    name: stored.name,
    tenant: stored.tenant,
    scopes: stored.scopes,
    keyPrefix: stored.keyPrefix,
    createdAt: new Date(stored.createdAt),
    limits: stored.limits ?? {},
  };
}
