import { Inject, Module, OnApplicationShutdown, Optional } from '@nestjs/common';
import { closeRedis, createRedis } from '@riptide/redis';
import type Redis from 'ioredis';
import { ApiKeyService } from './api-key.service';
import {
  AuthModuleOptions,
  DEFAULT_KEY_LIMITS,
  ResolvedAuthOptions,
} from './auth-options.interface';
import { ApiKeyGuard } from './auth.guard';
import { AUTH_REDIS, AUTH_SUBSCRIBER, RESOLVED_AUTH_OPTIONS } from './auth.constants';
import { AUTH_OPTIONS_TOKEN, ConfigurableAuthModule } from './auth.module-definition';
import { Authenticator } from './authenticator.service';
import { SubmissionRateLimiter } from './submission-rate-limiter.service';
import { AuthOptionsError } from './errors/auth-options.error';
import { ScriptedAuthRedis, defineAuthScripts } from './redis/auth-scripts';

export function resolveAuthOptions(options: AuthModuleOptions): ResolvedAuthOptions {
  if (options.mode === 'keys' && (!options.adminKey || options.adminKey.length < 32))
    throw new AuthOptionsError('keys mode needs an adminKey of at least 32 characters');
  return {
    cacheTtlMs: 1000,
    commandTimeoutMs: 1500,
    maxKeys: 10_000,
    ...options,
    defaults: { ...DEFAULT_KEY_LIMITS, ...options.defaults },
  };
}

/**
 * API keys, scopes and tenants (SPEC §6). Provides the guard behind `@RequireScope` and
 * `@OptionalAuth`, the Authenticator it uses and ApiKeyService for key management. Routes are
 * guarded one by one; nothing outside them changes. Needs nothing else in the application: it keeps
 * its own Redis connections. Import it with `isGlobal: true` where WorkersApiModule or
 * MetricsModule serve routes: their guards and services inject its providers.
 */
@Module({
  providers: [
    {
      provide: RESOLVED_AUTH_OPTIONS,
      inject: [AUTH_OPTIONS_TOKEN],
      useFactory: resolveAuthOptions,
    },
    {
      provide: AUTH_REDIS,
      inject: [RESOLVED_AUTH_OPTIONS],
      useFactory: (options: ResolvedAuthOptions) =>
        defineAuthScripts(createRedis(options.redisUrl, 'producer', 'riptide-auth')),
    },
    {
      // Open mode has no keys to revoke, so it listens for nothing.
      provide: AUTH_SUBSCRIBER,
      inject: [RESOLVED_AUTH_OPTIONS],
      useFactory: (options: ResolvedAuthOptions) =>
        options.mode === 'keys'
          ? createRedis(options.redisUrl, 'blocking', 'riptide-auth-revocations')
          : null,
    },
    ApiKeyService,
    Authenticator,
    ApiKeyGuard,
    SubmissionRateLimiter,
  ],
  exports: [
    RESOLVED_AUTH_OPTIONS,
    ApiKeyService,
    Authenticator,
    ApiKeyGuard,
    SubmissionRateLimiter,
  ],
})
export class AuthModule extends ConfigurableAuthModule implements OnApplicationShutdown {
  constructor(
    @Inject(AUTH_REDIS) private readonly redis: ScriptedAuthRedis,
    @Optional() @Inject(AUTH_SUBSCRIBER) private readonly subscriber: Redis | null,
  ) {
    super();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([
      closeRedis(this.redis),
      this.subscriber ? closeRedis(this.subscriber) : undefined,
    ]);
  }
}
