import {
  RedisClusterProcesses,
  RedisNodeProcess,
  startRedisCluster,
  waitFor,
} from '@riptide/testing';
import { QueueUnavailableError } from './errors/queue-unavailable.error';
import { closeRedis, createRedis } from './redis-connection.util';
import { clusterUrl } from './redis-deployment.util';
import { whenReady } from './redis-guard.util';
import { waitForReplicas } from './replica-wait.util';

describe('waitForReplicas (real servers)', () => {
  describe('on one server with one replica', () => {
    let primary: RedisNodeProcess;
    let replica: RedisNodeProcess;

    beforeAll(async () => {
      primary = await (
        await RedisNodeProcess.prepare('wait-primary')
      ).start(['--save', '', '--appendonly', 'no', '--repl-diskless-sync-delay', '0']);
      replica = await (
        await RedisNodeProcess.prepare('wait-replica')
      ).start([
        '--save',
        '',
        '--appendonly',
        'no',
        '--replicaof',
        '127.0.0.1',
        String(primary.port),
      ]);
      const probe = replica.connect();
      await waitFor(
        () => probe.info('replication'),
        (info) => /master_link_status:up/.test(info),
        { what: 'the replica to sync' },
      );
      probe.disconnect();
    });

    afterAll(async () => {
      await replica.stop();
      await primary.stop();
    });

    it('returns once the replica holds the write, and refuses a count the deployment cannot reach', async () => {
      const client = createRedis(`redis://${primary.address}`, 'producer');
      try {
        await whenReady(client);
        await client.set('wait-test', '1');
        const confirmedAfter = Date.now();
        await expect(
          waitForReplicas(client, { replicas: 1, timeoutMs: 5000 }),
        ).resolves.toBeUndefined();
        expect(Date.now() - confirmedAfter).toBeLessThan(1000);
        await client.set('wait-test', '2');
        const started = Date.now();
        await expect(
          waitForReplicas(client, { replicas: 2, timeoutMs: 300 }),
        ).rejects.toBeInstanceOf(QueueUnavailableError);
        expect(Date.now() - started).toBeGreaterThanOrEqual(250);
        await expect(
          waitForReplicas(client, { replicas: 0, timeoutMs: 300 }),
        ).resolves.toBeUndefined();
      } finally {
        await closeRedis(client);
      }
    });
  });

  describe('on a Cluster with a replica per primary', () => {
    let cluster: RedisClusterProcesses;

    beforeAll(async () => {
      cluster = await startRedisCluster(3, 1);
    }, 30000);

    afterAll(async () => {
      await cluster.stop();
    });

    it('asks every master, so the one that took the write waits for its replica', async () => {
      const client = createRedis(
        clusterUrl(
          cluster.nodes.slice(0, 1).map((node) => ({ host: '127.0.0.1', port: node.port })),
        ),
        'producer',
      );
      try {
        await whenReady(client);
        await client.set('{wait-test}:a', '1');
        const confirmedAfter = Date.now();
        await expect(
          waitForReplicas(client, { replicas: 1, timeoutMs: 5000 }),
        ).resolves.toBeUndefined();
        expect(Date.now() - confirmedAfter).toBeLessThan(1000);
        await client.set('{wait-test}:a', '2');
        await expect(
          waitForReplicas(client, { replicas: 2, timeoutMs: 300 }),
        ).rejects.toBeInstanceOf(QueueUnavailableError);
      } finally {
        await closeRedis(client);
      }
    });
  });
});
