import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../wait-for.util';
import { RedisNodeProcess } from './redis-node.process';

/** A primary, its replicas and the Sentinels that watch them, all child processes of the test. */
export interface SentinelDeployment {
  /** `redis-sentinel://<sentinels>/<name>`: what REDIS_URL or QueueModule's redisUrl takes. */
  url: string;
  name: string;
  /** The primary at the start; after a failover one of `replicas` holds that role. */
  primary: RedisNodeProcess;
  replicas: RedisNodeProcess[];
  sentinels: RedisNodeProcess[];
  /** `host:port` of the primary the Sentinels name now. */
  currentPrimary(): Promise<string>;
  /** Stops every process and removes their folders. */
  stop(): Promise<void>;
}

export interface SentinelDeploymentOptions {
  /** The name the Sentinels monitor. Default `riptide-primary`. */
  name?: string;
  /** Default 1. */
  replicas?: number;
  /** Default 3 (a quorum of 2). */
  sentinels?: number;
  /** How long a silent primary is thought up (`down-after-milliseconds`). Default 1000. */
  downAfterMs?: number;
}

// No snapshots or AOF: a killed primary must lose exactly what it had not replicated. A replica's
// first sync starts at once (by default the primary waits 5 s for more replicas to join it).
const VOLATILE = ['--save', '', '--appendonly', 'no', '--repl-diskless-sync-delay', '0'];

/**
 * Starts a Sentinel deployment on free ports and waits until every Sentinel knows the primary,
 * every replica and every other Sentinel, so a failover can be agreed on from the first second.
 */
export async function startSentinelDeployment(
  options: SentinelDeploymentOptions = {},
): Promise<SentinelDeployment> {
  const {
    name = 'riptide-primary',
    replicas: replicaCount = 1,
    sentinels: sentinelCount = 3,
    downAfterMs = 1000,
  } = options;
  const started: RedisNodeProcess[] = [];
  const stop = async () => {
    await Promise.all(started.map((node) => node.stop()));
  };
  try {
    const primary = await (await RedisNodeProcess.prepare('primary')).start(VOLATILE);
    started.push(primary);
    const replicas: RedisNodeProcess[] = [];
    for (let i = 0; i < replicaCount; i++) {
      const replica = await (
        await RedisNodeProcess.prepare('replica')
      ).start([...VOLATILE, '--replicaof', '127.0.0.1', String(primary.port)]);
      started.push(replica);
      replicas.push(replica);
    }
    // Until its first sync a replica holds nothing, and Sentinel would not promote it.
    for (const replica of replicas) {
      const client = replica.connect();
      try {
        await waitFor(
          () => client.info('replication'),
          (info) => /master_link_status:up/.test(info),
          {
            timeoutMs: 15000,
            intervalMs: 50,
            what: `replica ${replica.port} to sync`,
          },
        );
      } finally {
        client.disconnect();
      }
    }
    const sentinels: RedisNodeProcess[] = [];
    const quorum = Math.floor(sentinelCount / 2) + 1;
    for (let i = 0; i < sentinelCount; i++) {
      const sentinel = await RedisNodeProcess.prepare('sentinel');
      // A Sentinel rewrites its configuration file as it learns the deployment, so each has its own.
      const configFile = join(sentinel.dir, 'sentinel.conf');
      writeFileSync(
        configFile,
        [
          `sentinel monitor ${name} 127.0.0.1 ${primary.port} ${quorum}`,
          `sentinel down-after-milliseconds ${name} ${downAfterMs}`,
          `sentinel failover-timeout ${name} ${Math.max(3000, downAfterMs * 3)}`,
          `sentinel parallel-syncs ${name} 1`,
          '',
        ].join('\n'),
      );
      started.push(sentinel);
      sentinels.push(await sentinel.start(['--sentinel'], configFile));
    }
    await Promise.all(
      sentinels.map(async (sentinel) => {
        const client = sentinel.connect();
        try {
          await waitFor(
            async () => {
              const fields = (await client.call('SENTINEL', 'MASTER', name)) as string[];
              const field = (key: string) => fields[fields.indexOf(key) + 1];
              return {
                replicas: Number(field('num-slaves')),
                sentinels: Number(field('num-other-sentinels')),
              };
            },
            (seen) => seen.replicas === replicaCount && seen.sentinels === sentinelCount - 1,
            {
              timeoutMs: 15000,
              intervalMs: 100,
              what: `Sentinel ${sentinel.port} to know the deployment`,
            },
          );
        } finally {
          client.disconnect();
        }
      }),
    );
    const currentPrimary = async () => {
      for (const sentinel of sentinels.filter((s) => s.alive)) {
        const client = sentinel.connect();
        try {
          const [host, port] = (await client.call(
            'SENTINEL',
            'GET-MASTER-ADDR-BY-NAME',
            name,
          )) as string[];
          return `${host}:${port}`;
        } catch {
          continue;
        } finally {
          client.disconnect();
        }
      }
      throw new Error('no Sentinel answered');
    };
    const url = `redis-sentinel://${sentinels.map((s) => s.address).join(',')}/${name}`;
    return { url, name, primary, replicas, sentinels, currentPrimary, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
