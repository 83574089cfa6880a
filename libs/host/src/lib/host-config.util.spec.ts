import { HostConfigError } from './host-config.error';
import { loadHostConfig } from './host-config.util';

describe('loadHostConfig', () => {
  it('applies the SPEC defaults', () => {
    expect(loadHostConfig({})).toMatchObject({
      redisUrl: undefined,
      port: 3000,
      workerPoolSize: 4,
      workerMaxBatchSize: 50,
      workerMaxConcurrency: 10,
      workerEnableScheduler: true,
      resultTtlSecs: 3600,
      completedTtlSecs: 86400,
      failedTtlSecs: 604800,
      crawlAllowPrivateNetworks: false,
      crawlHostConcurrency: 4,
      crawlHostMinGapMs: 0,
      crawlRetryAfterMaxWaitMs: 30000,
    });
  });

  it('prefers REDIS_URL over WORKER_REDIS_URL', () => {
    expect(loadHostConfig({ WORKER_REDIS_URL: 'redis://b:2' }).redisUrl).toBe('redis://b:2');
    expect(loadHostConfig({ REDIS_URL: 'redis://a:1', WORKER_REDIS_URL: 'redis://b:2' }).redisUrl).toBe('redis://a:1');
  });

  it('names every variable that does not parse', () => {
    const error = (() => {
      try {
        loadHostConfig({ PORT: 'eighty', WORKER_POOL_SIZE: '-1', WORKER_ENABLE_SCHEDULER: 'maybe', REDIS_URL: 'http://x' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(HostConfigError);
    expect((error as HostConfigError).problems).toEqual([
      'REDIS_URL must be a redis:// or rediss:// URL',
      'PORT must be an integer from 0 to 65535 (got "eighty")',
      'WORKER_POOL_SIZE must be an integer from 0 to 1000 (got "-1")',
      'WORKER_ENABLE_SCHEDULER must be true or false (got "maybe")',
    ]);
  });

  describe('access modes', () => {
    const problemsOf = (env: Record<string, string>) => {
      try {
        loadHostConfig(env);
        return [];
      } catch (e) {
        return (e as HostConfigError).problems;
      }
    };
    const key = 'k'.repeat(32);

    it('runs in local mode on loopback without an admin key', () => {
      expect(loadHostConfig({})).toMatchObject({ authMode: 'local', host: '127.0.0.1', adminKey: undefined, corsOrigins: [] });
      expect(loadHostConfig({ HOST: '::1' }).host).toBe('::1');
    });

    it('refuses a non-loopback HOST in local mode, naming RIPTIDE_ADMIN_KEY', () => {
      expect(problemsOf({ HOST: '0.0.0.0' })).toEqual([expect.stringMatching(/^HOST=0\.0\.0\.0 .*RIPTIDE_ADMIN_KEY.*RIPTIDE_AUTH=off/)]);
    });

    it('serves any HOST in keys mode (default 0.0.0.0) or with RIPTIDE_AUTH=off', () => {
      expect(loadHostConfig({ RIPTIDE_ADMIN_KEY: key })).toMatchObject({ authMode: 'keys', host: '0.0.0.0', adminKey: key });
      expect(loadHostConfig({ RIPTIDE_AUTH: 'off', HOST: '0.0.0.0' })).toMatchObject({ authMode: 'off', host: '0.0.0.0' });
    });

    it('refuses a short admin key, a key with RIPTIDE_AUTH=off, and malformed CORS origins', () => {
      expect(problemsOf({ RIPTIDE_ADMIN_KEY: 'short' })).toEqual(['RIPTIDE_ADMIN_KEY must be at least 32 characters']);
      expect(problemsOf({ RIPTIDE_ADMIN_KEY: key, RIPTIDE_AUTH: 'off' })).toEqual([expect.stringContaining('contradict')]);
      expect(problemsOf({ CORS_ORIGINS: 'https://a.example, *' })).toEqual([expect.stringContaining('CORS_ORIGINS must list origins')]);
      expect(loadHostConfig({ CORS_ORIGINS: 'https://a.example,http://b.example:8080' }).corsOrigins).toEqual(['https://a.example', 'http://b.example:8080']);
    });
  });
});
