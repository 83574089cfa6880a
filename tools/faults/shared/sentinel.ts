import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '@riptide/testing';
import { ManagedProcess, spawnManaged, waitUntil } from './processes';
import { FaultRedis, ping, redisCommand } from './redis';

export const SENTINEL_NAME = 'riptide-primary';

/**
 * One primary, one replica and three Sentinels (quorum 2), all on 127.0.0.1, with a short
 * down-after so a killed primary is replaced within seconds.
 */
export class SentinelDeployment {
  readonly primary: FaultRedis;
  replica!: FaultRedis;
  readonly sentinels: { port: number; process?: ManagedProcess }[] = [];

  constructor(private readonly dir: string) {
    this.primary = new FaultRedis({
      dataDir: join(dir, 'primary-data'),
      logDir: dir,
      name: 'redis-primary',
    });
  }

  /** `host:port,host:port,host:port`, the REDIS_SENTINELS value. */
  get sentinelList(): string {
    return this.sentinels.map((s) => `127.0.0.1:${s.port}`).join(',');
  }

  async start(): Promise<void> {
    await this.primary.start();
    this.replica = new FaultRedis({
      dataDir: join(this.dir, 'replica-data'),
      logDir: this.dir,
      name: 'redis-replica',
      extraArgs: ['--replicaof', '127.0.0.1', String(this.primary.port)],
    });
    await this.replica.start();
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const dir = join(this.dir, `sentinel-${i + 1}`);
      mkdirSync(dir, { recursive: true });
      const conf = join(dir, 'sentinel.conf');
      // Sentinel rewrites its own config file, so each one gets a writable copy.
      writeFileSync(
        conf,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${dir}`,
          `sentinel monitor ${SENTINEL_NAME} 127.0.0.1 ${this.primary.port} 2`,
          `sentinel down-after-milliseconds ${SENTINEL_NAME} 1000`,
          `sentinel failover-timeout ${SENTINEL_NAME} 5000`,
          `sentinel parallel-syncs ${SENTINEL_NAME} 1`,
          '',
        ].join('\n'),
      );
      const process = spawnManaged(
        `sentinel-${i + 1}`,
        'redis-server',
        [conf, '--sentinel'],
        globalThis.process.env,
        join(this.dir, `sentinel-${i + 1}.log`),
      );
      this.sentinels.push({ port, process });
    }
    const ready = await waitUntil(
      async () => {
        for (const s of this.sentinels) {
          if (!(await ping(s.port))) return false;
          const replicas = (await redisCommand(
            s.port,
            'SENTINEL',
            'REPLICAS',
            SENTINEL_NAME,
          )) as unknown[];
          const peers = (await redisCommand(
            s.port,
            'SENTINEL',
            'SENTINELS',
            SENTINEL_NAME,
          )) as unknown[];
          if (replicas.length < 1 || peers.length < 2) return false;
        }
        const link = String(await redisCommand(this.replica.port, 'INFO', 'replication'));
        return /master_link_status:up/.test(link);
      },
      30000,
      200,
    );
    if (!ready)
      throw new Error(
        `the Sentinels did not find the replica and each other within 30 s (logs in ${this.dir})`,
      );
  }

  /** The port of the primary the Sentinels currently name. */
  async currentPrimaryPort(): Promise<number> {
    for (const s of this.sentinels) {
      try {
        const [, port] = (await redisCommand(
          s.port,
          'SENTINEL',
          'GET-MASTER-ADDR-BY-NAME',
          SENTINEL_NAME,
        )) as string[];
        return Number(port);
      } catch {
        /* try the next Sentinel */
      }
    }
    return 0;
  }

  async stop(): Promise<void> {
    await Promise.all(this.sentinels.map((s) => s.process?.stop()));
    await this.replica?.stop();
    await this.primary.stop();
  }
}
