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

  it('reads the webhook settings, with their defaults, and names a value that does not parse', () => {
    expect(loadHostConfig({})).toMatchObject({
      webhookSecretOverlapSecs: 86400,
      webhookMaxAttempts: 8,
      webhookBackoffBaseMs: 30000,
      webhookTimeoutMs: 10000,
    });
    expect(
      loadHostConfig({ WEBHOOK_MAX_ATTEMPTS: '12', WEBHOOK_TIMEOUT_MS: '5000' }),
    ).toMatchObject({ webhookMaxAttempts: 12, webhookTimeoutMs: 5000 });
    expect(() =>
      loadHostConfig({ WEBHOOK_MAX_ATTEMPTS: '0', WEBHOOK_BACKOFF_BASE_MS: 'soon' }),
    ).toThrow('WEBHOOK_MAX_ATTEMPTS must be an integer from 1 to 25 (got "0")');
  });

  it('prefers REDIS_URL over WORKER_REDIS_URL', () => {
    expect(loadHostConfig({ WORKER_REDIS_URL: 'redis://b:2' }).redisUrl).toBe('redis://b:2');
    expect(
      loadHostConfig({ REDIS_URL: 'redis://a:1', WORKER_REDIS_URL: 'redis://b:2' }).redisUrl,
    ).toBe('redis://a:1');
  });

  describe('Redis deployments', () => {
    const problemsOf = (env: Record<string, string>) => {
      try {
        loadHostConfig(env);
        return [];
      } catch (e) {
        return (e as HostConfigError).problems;
      }
    };

    it('names the primary of a Sentinel deployment with one redis-sentinel:// URL', () => {
      const config = loadHostConfig({
        REDIS_SENTINELS: '10.0.0.1:26379, sentinel-b:26379,[::1]:26380',
        REDIS_SENTINEL_NAME: 'mymaster',
      });
      expect(config.redisUrl).toBe(
        'redis-sentinel://10.0.0.1:26379,sentinel-b:26379,[::1]:26380/mymaster',
      );
      expect(config.prefix).toBe('riptide');
      expect(
        loadHostConfig({ REDIS_URL: 'redis-sentinel://:secret@s1:26379,s2:26379/main?db=2' })
          .redisUrl,
      ).toBe('redis-sentinel://:secret@s1:26379,s2:26379/main?db=2');
    });

    it('names a Cluster with one redis-cluster:// URL, and hash-tags the default prefix there', () => {
      const config = loadHostConfig({ REDIS_CLUSTER_NODES: 'n1:7000,n2:7001' });
      expect(config).toMatchObject({
        redisUrl: 'redis-cluster://n1:7000,n2:7001',
        prefix: '{riptide}',
      });
      expect(
        loadHostConfig({ REDIS_CLUSTER_NODES: 'n1:7000', RIPTIDE_PREFIX: 'app{jobs}' }).prefix,
      ).toBe('app{jobs}');
    });

    it('refuses a prefix without a hash tag on a Cluster, rather than changing the key names', () => {
      expect(problemsOf({ REDIS_CLUSTER_NODES: 'n1:7000', RIPTIDE_PREFIX: 'riptide' })).toEqual([
        'RIPTIDE_PREFIX must hold a hash tag on Redis Cluster, like {riptide}, so that all its keys share one slot',
      ]);
      expect(
        problemsOf({ REDIS_URL: 'redis-cluster://n1:7000', RIPTIDE_PREFIX: '{}riptide' }),
      ).toHaveLength(1);
    });

    it('refuses two deployments at once, naming both variables', () => {
      expect(
        problemsOf({
          REDIS_SENTINELS: 's1:26379',
          REDIS_SENTINEL_NAME: 'm',
          REDIS_CLUSTER_NODES: 'n1:7000',
        }),
      ).toEqual([
        'REDIS_SENTINELS and REDIS_CLUSTER_NODES each name a Redis deployment: set only one of them',
      ]);
      expect(
        problemsOf({
          REDIS_URL: 'redis://a:1',
          REDIS_SENTINELS: 's1:26379',
          REDIS_SENTINEL_NAME: 'm',
        }),
      ).toEqual([
        'REDIS_URL and REDIS_SENTINELS each name a Redis deployment: set only one of them',
      ]);
    });

    it('says what is missing or malformed in a Sentinel or Cluster setting', () => {
      expect(problemsOf({ REDIS_SENTINELS: 's1:26379' })).toEqual([
        expect.stringMatching(/^REDIS_SENTINEL_NAME must name the primary/),
      ]);
      expect(problemsOf({ REDIS_SENTINEL_NAME: 'm' })).toEqual([
        'REDIS_SENTINEL_NAME is used only with REDIS_SENTINELS',
      ]);
      expect(problemsOf({ REDIS_CLUSTER_NODES: 'n1:7000,n2' })).toEqual([
        'REDIS_CLUSTER_NODES is not usable: "n2" is not host:port',
      ]);
      expect(problemsOf({ REDIS_URL: 'redis-sentinel://s1:26379' })).toEqual([
        expect.stringMatching(/^REDIS_URL is not usable: .*\/<master name>/),
      ]);
    });

    it('reads REDIS_WAIT_REPLICAS, which needs a Redis with replicas', () => {
      expect(loadHostConfig({}).redisWaitReplicas).toBe(0);
      expect(
        loadHostConfig({
          REDIS_SENTINELS: 's1:26379',
          REDIS_SENTINEL_NAME: 'm',
          REDIS_WAIT_REPLICAS: '1',
        }).redisWaitReplicas,
      ).toBe(1);
      expect(problemsOf({ REDIS_WAIT_REPLICAS: '1' })).toEqual([
        expect.stringMatching(/^REDIS_WAIT_REPLICAS needs a Redis with replicas/),
      ]);
      expect(problemsOf({ REDIS_URL: 'redis://a:1', REDIS_WAIT_REPLICAS: 'two' })).toEqual([
        'REDIS_WAIT_REPLICAS must be an integer from 0 to 100 (got "two")',
      ]);
    });
  });

  it('names every variable that does not parse', () => {
    const error = (() => {
      try {
        loadHostConfig({
          PORT: 'eighty',
          WORKER_POOL_SIZE: '-1',
          WORKER_ENABLE_SCHEDULER: 'maybe',
          REDIS_URL: 'http://x',
        });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(HostConfigError);
    expect((error as HostConfigError).problems).toEqual([
      'REDIS_URL is not usable: a Redis URL must start with redis://, rediss://, redis-sentinel:// or redis-cluster://',
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
      expect(loadHostConfig({})).toMatchObject({
        authMode: 'local',
        host: '127.0.0.1',
        adminKey: undefined,
        corsOrigins: [],
      });
      expect(loadHostConfig({ HOST: '::1' }).host).toBe('::1');
    });

    it('refuses a non-loopback HOST in local mode, naming RIPTIDE_ADMIN_KEY', () => {
      expect(problemsOf({ HOST: '0.0.0.0' })).toEqual([
        expect.stringMatching(/^HOST=0\.0\.0\.0 .*RIPTIDE_ADMIN_KEY.*RIPTIDE_AUTH=off/),
      ]);
    });

    it('serves any HOST in keys mode (default 0.0.0.0) or with RIPTIDE_AUTH=off', () => {
      expect(loadHostConfig({ RIPTIDE_ADMIN_KEY: key })).toMatchObject({
        authMode: 'keys',
        host: '0.0.0.0',
        adminKey: key,
      });
      expect(loadHostConfig({ RIPTIDE_AUTH: 'off', HOST: '0.0.0.0' })).toMatchObject({
        authMode: 'off',
        host: '0.0.0.0',
      });
    });

    it('refuses a short admin key, a key with RIPTIDE_AUTH=off, and malformed CORS origins', () => {
      expect(problemsOf({ RIPTIDE_ADMIN_KEY: 'short' })).toEqual([
        'RIPTIDE_ADMIN_KEY must be at least 32 characters',
      ]);
      expect(problemsOf({ RIPTIDE_ADMIN_KEY: key, RIPTIDE_AUTH: 'off' })).toEqual([
        expect.stringContaining('contradict'),
      ]);
      expect(problemsOf({ CORS_ORIGINS: 'https://a.example, *' })).toEqual([
        expect.stringContaining('CORS_ORIGINS must list origins'),
      ]);
      expect(
        loadHostConfig({ CORS_ORIGINS: 'https://a.example,http://b.example:8080' }).corsOrigins,
      ).toEqual(['https://a.example', 'http://b.example:8080']);
    });
  });
});
