import { Cluster, Fault, FaultResult, FaultContext, standardNotes } from '../shared/cluster';
import { FsyncPolicy } from '../shared/redis';
import { sleep } from '../shared/processes';

async function killRedis(ctx: FaultContext, fsync: FsyncPolicy): Promise<FaultResult> {
  const title = `SIGKILL redis (appendfsync ${fsync})`;
  const cluster = await Cluster.start(ctx, `f2-redis-kill-${fsync}`, {
    rate: ctx.quick ? 15 : 20,
    fsync,
  });
  try {
    cluster.load.start();
    await sleep(ctx.quick ? 4000 : 10000);
    const redis = cluster.redis!;
    ctx.log(`F2 (${fsync}): SIGKILL redis-server (pid ${redis.process?.pid})`);
    const acceptedBefore = cluster.ledger.accepted.length;
    await redis.kill();
    await sleep(ctx.quick ? 2000 : 5000);
    ctx.log(`F2 (${fsync}): restarting redis-server on port ${redis.port} with the same AOF`);
    await redis.start();
    await sleep(ctx.quick ? 4000 : 10000);
    const audit = await cluster.settle(ctx.quick ? 30000 : 60000);
    const notes = standardNotes(
      cluster,
      audit,
      'attempts running when Redis died could not record their outcome or renew their lock, and were run again once it was back',
    );
    notes.unshift(`${acceptedBefore} jobs were acknowledged before the kill`);
    notes.push(
      fsync === 'everysec'
        ? 'appendfsync everysec: Redis acknowledges a write before it is on disk and fsyncs once a second, so a crash of redis-server (or of the machine) may drop up to ~1 s of acknowledged writes; a SIGKILL of the process alone keeps what reached the kernel page cache, so losses show only when the OS crashes too'
        : 'appendfsync always: every write is fsynced before Redis answers, so nothing acknowledged can be lost by a crash; costs a disk flush per write',
    );
    return {
      id: 'F2',
      title,
      audit,
      notes,
      lossAllowedBy:
        fsync === 'everysec' ? 'appendfsync everysec allows ~1 s of loss on a crash' : undefined,
    };
  } finally {
    await cluster.close();
  }
}

/**
 * F2: SIGKILL redis-server under load and restart it on the same port and data folder, once with
 * `appendfsync everysec` (the default) and once with `always`.
 */
export const redisKill: Fault = {
  id: 'F2',
  title: 'SIGKILL redis-server',
  async run(ctx) {
    return [await killRedis(ctx, 'everysec'), await killRedis(ctx, 'always')];
  },
};
