import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { waitFor } from '../wait-for.util';
import { RedisNodeProcess } from './redis-node.process';

/** A Redis Cluster, all child processes of the test run. */
export interface RedisClusterProcesses {
  /** `redis-cluster://<every node>`: what REDIS_URL or a module's redisUrl takes. */
  url: string;
  nodes: RedisNodeProcess[];
  /** Stops every node and removes their folders. */
  stop(): Promise<void>;
}

/**
 * Starts `primaries` cluster-enabled redis-servers on free ports (and `replicasPerPrimary` replicas
 * of each), shares the 16384 slots among the primaries with `redis-cli --cluster create`, and waits
 * until every node reports `cluster_state:ok`.
 */
export async function startRedisCluster(
  primaries = 3,
  replicasPerPrimary = 0,
): Promise<RedisClusterProcesses> {
  const nodes: RedisNodeProcess[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
  };
  try {
    for (let i = 0; i < primaries * (1 + replicasPerPrimary); i++) {
      const node = await RedisNodeProcess.prepare('cluster');
      nodes.push(node);
      await node.start([
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        `${node.dir}/nodes.conf`,
        '--cluster-node-timeout',
        '2000',
        '--save',
        '',
        '--appendonly',
        'no',
        '--repl-diskless-sync-delay',
        '0',
      ]);
    }
    await promisify(execFile)('redis-cli', [
      '--cluster',
      'create',
      ...nodes.map((node) => node.address),
      '--cluster-replicas',
      String(replicasPerPrimary),
      '--cluster-yes',
    ]);
    for (const node of nodes) {
      const client = node.connect();
      try {
        await waitFor(
          () => client.cluster('INFO'),
          (info) => /cluster_state:ok/.test(info),
          { timeoutMs: 15000, intervalMs: 100, what: `cluster node ${node.port} to be ok` },
        );
        // A replica holds nothing until its first sync.
        await waitFor(
          () => client.info('replication'),
          (info) => /role:master/.test(info) || /master_link_status:up/.test(info),
          {
            timeoutMs: 15000,
            intervalMs: 50,
            what: `cluster replica ${node.port} to sync`,
          },
        );
      } finally {
        client.disconnect();
      }
    }
    return { url: `redis-cluster://${nodes.map((node) => node.address).join(',')}`, nodes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
