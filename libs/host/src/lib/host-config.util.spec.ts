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
});
