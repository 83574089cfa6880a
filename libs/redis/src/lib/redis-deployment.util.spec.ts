import { RedisUrlError } from './errors/redis-url.error';
import {
  clusterUrl,
  hashTagOf,
  isClusterUrl,
  parseRedisDeployment,
  sentinelUrl,
} from './redis-deployment.util';

describe('parseRedisDeployment', () => {
  it('leaves a redis:// or rediss:// URL to ioredis', () => {
    expect(parseRedisDeployment('redis://:pw@cache:6380/2')).toEqual({
      kind: 'standalone',
      url: 'redis://:pw@cache:6380/2',
    });
    expect(parseRedisDeployment('rediss://cache.example:6379')).toEqual({
      kind: 'standalone',
      url: 'rediss://cache.example:6379',
    });
  });

  it('reads the Sentinels, the master name, the credentials and the database of a redis-sentinel:// URL', () => {
    expect(
      parseRedisDeployment(
        'redis-sentinel://app:p%40ss@10.0.0.1:26379,s2:26380,[::1]:26381/my%20master?db=3',
      ),
    ).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: 's2', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      name: 'my master',
      username: 'app',
      password: 'p@ss',
      db: 3,
    });
    expect(parseRedisDeployment('redis-sentinel://:secret@s1:26379/main')).toMatchObject({
      username: undefined,
      password: 'secret',
      db: 0,
    });
  });

  it('reads the seed nodes of a redis-cluster:// URL', () => {
    expect(parseRedisDeployment('redis-cluster://n1:7000,n2:7001')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'n1', port: 7000 },
        { host: 'n2', port: 7001 },
      ],
    });
  });

  it('says what is wrong with anything else', () => {
    const problem = (url: string) => {
      try {
        parseRedisDeployment(url);
        return 'parsed';
      } catch (error) {
        expect(error).toBeInstanceOf(RedisUrlError);
        return (error as Error).message;
      }
    };
    expect(problem('http://cache:6379')).toMatch(
      /must start with redis:\/\/, rediss:\/\/, redis-sentinel:\/\/ or redis-cluster:\/\//,
    );
    expect(problem('redis-sentinel://s1:26379')).toMatch(/\/<master name>/);
    expect(problem('redis-sentinel://s1:26379,s2/main')).toBe('"s2" is not host:port');
    expect(problem('redis-cluster://n1:70000')).toBe('"n1:70000" is not host:port');
    expect(problem('redis-cluster://n1:7000/0')).toMatch(/has no path/);
  });

  it('writes the URLs it reads', () => {
    const nodes = [
      { host: 'a', port: 1 },
      { host: '::1', port: 2 },
    ];
    expect(parseRedisDeployment(sentinelUrl(nodes, 'm'))).toMatchObject({
      kind: 'sentinel',
      sentinels: nodes,
      name: 'm',
    });
    expect(parseRedisDeployment(clusterUrl(nodes))).toMatchObject({ kind: 'cluster', nodes });
    expect(isClusterUrl(clusterUrl(nodes))).toBe(true);
    expect(isClusterUrl('redis://a:1')).toBe(false);
  });
});

describe('hashTagOf', () => {
  it('finds the tag Redis Cluster hashes, as Redis does: the first {…} that is not empty', () => {
    expect(hashTagOf('{riptide}')).toBe('riptide');
    expect(hashTagOf('app{jobs}x{y}')).toBe('jobs');
    expect(hashTagOf('riptide')).toBeNull();
    expect(hashTagOf('{}riptide')).toBeNull();
    expect(hashTagOf('{riptide')).toBeNull();
  });
});
