import { clusterUrl, parseNodeList, parseRedisDeployment, sentinelUrl } from '@riptide/redis';

type Read = (name: string) => string | undefined;

const DEPLOYMENT_VARIABLES = [
  'REDIS_URL',
  'WORKER_REDIS_URL',
  'REDIS_SENTINELS',
  'REDIS_CLUSTER_NODES',
] as const;

/**
 * The one URL that names the Redis deployment, from whichever of REDIS_URL (or WORKER_REDIS_URL),
 * REDIS_SENTINELS + REDIS_SENTINEL_NAME, or REDIS_CLUSTER_NODES is set; undefined when none is
 * (the embedded redis-server). Every problem is added to `problems`, naming the variables.
 */
export function readRedisDeployment(read: Read, problems: string[]): string | undefined {
  const set = DEPLOYMENT_VARIABLES.filter((name) => read(name) !== undefined);
  // REDIS_URL wins over WORKER_REDIS_URL (the older name); any other pair is a contradiction.
  const named = set.filter((name) => name !== 'WORKER_REDIS_URL' || !set.includes('REDIS_URL'));
  if (named.length > 1) {
    problems.push(`${named.join(' and ')} each name a Redis deployment: set only one of them`);
    return undefined;
  }
  const sentinelName = read('REDIS_SENTINEL_NAME');
  if (sentinelName !== undefined && named[0] !== 'REDIS_SENTINELS')
    problems.push('REDIS_SENTINEL_NAME is used only with REDIS_SENTINELS');
  const [source] = named;
  const value = source === undefined ? undefined : (read(source) as string);
  try {
    switch (source) {
      case undefined:
        return undefined;
      case 'REDIS_SENTINELS':
        if (sentinelName === undefined) {
          problems.push(
            'REDIS_SENTINEL_NAME must name the primary the Sentinels of REDIS_SENTINELS monitor (e.g. mymaster)',
          );
          return undefined;
        }
        return sentinelUrl(parseNodeList(value as string), sentinelName);
      case 'REDIS_CLUSTER_NODES':
        return clusterUrl(parseNodeList(value as string));
      default:
        parseRedisDeployment(value as string);
        return value;
    }
  } catch (error) {
    problems.push(`${source} is not usable: ${(error as Error).message}`);
    return undefined;
  }
}
