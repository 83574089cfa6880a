import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster, Fault, FaultContext, FaultResult, standardNotes } from '../shared/cluster';
import { apiMain, workerMain } from '../shared/hosts';
import { sleep, waitUntil } from '../shared/processes';
import { redisCommand } from '../shared/redis';
import { SENTINEL_NAME, SentinelDeployment } from '../shared/sentinel';

/** Both built hosts must know REDIS_SENTINELS; otherwise they would refuse to start or ignore it. */
function sentinelSupport(): string | undefined {
  const missing = [apiMain(), workerMain()].filter(
    (path) => !readFileSync(path, 'utf8').includes('REDIS_SENTINELS'),
  );
  return missing.length
    ? `needs REDIS_SENTINELS support in the built hosts (${missing.map((p) => p.split('/').slice(-2).join('/')).join(', ')} do not read it; rebuild after it lands)`
    : undefined;
}

async function failover(ctx: FaultContext, waitReplicas: number): Promise<FaultResult> {
  const title = `Sentinel failover${waitReplicas ? ` (REDIS_WAIT_REPLICAS=${waitReplicas})` : ''}`;
  const name = `f6-sentinel${waitReplicas ? `-wait${waitReplicas}` : ''}`;
  const deployment = new SentinelDeployment(join(ctx.runDir, name, 'redis'));
  let cluster: Cluster | undefined;
  try {
    await deployment.start();
    const env = {
      REDIS_SENTINELS: deployment.sentinelList,
      REDIS_SENTINEL_NAME: SENTINEL_NAME,
      REDIS_WAIT_REPLICAS: waitReplicas ? String(waitReplicas) : undefined,
    };
    cluster = await Cluster.start(ctx, name, {
      rate: ctx.quick ? 15 : 20,
      redisFromEnv: true,
      apiEnv: env,
      workerEnv: env,
    });
    cluster.load.start();
    await sleep(ctx.quick ? 3000 : 8000);
    const before = deployment.primary.port;
    ctx.log(`F6: SIGKILL the primary (port ${before})`);
    const failStart = Date.now();
    await deployment.primary.kill();
    const promoted = await waitUntil(
      async () => (await deployment.currentPrimaryPort()) !== before,
      30000,
      200,
    );
    const failoverMs = Date.now() - failStart;
    ctx.log(
      promoted
        ? `F6: Sentinels promoted port ${await deployment.currentPrimaryPort()} after ${(failoverMs / 1000).toFixed(1)} s`
        : 'F6: no failover within 30 s',
    );
    // As an operator would: the old primary comes back, and the Sentinels make it the new replica.
    await deployment.primary.start();
    const rejoined = await waitUntil(
      async () =>
        /master_link_status:up/.test(
          String(await redisCommand(deployment.primary.port, 'INFO', 'replication')),
        ),
      30000,
      200,
    );
    ctx.log(
      rejoined
        ? `F6: old primary (port ${before}) back as a replica`
        : 'F6: the old primary did not rejoin as a replica within 30 s',
    );
    await sleep(ctx.quick ? 4000 : 10000);
    const audit = await cluster.settle(ctx.quick ? 30000 : 60000);
    const notes = standardNotes(
      cluster,
      audit,
      'attempts running across the failover lost their lock or their outcome write and were run again',
    );
    notes.unshift(
      `${promoted ? `failover took ${(failoverMs / 1000).toFixed(1)} s (down-after 1 s)` : 'the Sentinels did not promote the replica within 30 s'}; the old primary ${rejoined ? 'rejoined as a replica' : 'did not rejoin'}`,
    );
    notes.push(
      waitReplicas
        ? `REDIS_WAIT_REPLICAS=${waitReplicas}: a submission is acknowledged only once a replica holds it, so a failover cannot lose it; until the old primary rejoins there is no replica, so submissions are refused 503 (the refused ones may exist on the primary, by design: the Idempotency-Key resend returns the same job)`
        : 'replication is asynchronous: a job acknowledged by the primary but not yet copied to the replica is lost when the replica is promoted (REDIS_WAIT_REPLICAS=1 closes that window)',
    );
    return {
      id: 'F6',
      title,
      audit,
      notes,
      lossAllowedBy: waitReplicas
        ? undefined
        : 'asynchronous replication allows losing the last writes on failover',
    };
  } finally {
    await cluster?.close();
    await deployment.stop();
  }
}

/**
 * F6: a Sentinel deployment (1 primary, 1 replica, 3 Sentinels) loses its primary to SIGKILL
 * under load; the hosts must follow the Sentinels to the promoted replica. Run without and with
 * REDIS_WAIT_REPLICAS.
 */
export const sentinelFailover: Fault = {
  id: 'F6',
  title: 'Sentinel failover',
  async run(ctx) {
    const missing = sentinelSupport();
    if (missing) return [{ id: 'F6', title: this.title, skipped: missing, notes: [] }];
    return [await failover(ctx, 0), await failover(ctx, 1)];
  },
};
