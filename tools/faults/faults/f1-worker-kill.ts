import { Cluster, Fault, standardNotes } from '../shared/cluster';
import { sleep } from '../shared/processes';

/**
 * F1: SIGKILL a headless worker ten times in a row, under load. Each kill leaves its running jobs
 * locked by a dead process; the stalled-job check must hand them to another worker.
 */
export const workerKill: Fault = {
  id: 'F1',
  title: 'SIGKILL a worker ×10',
  async run(ctx) {
    const cluster = await Cluster.start(ctx, 'f1-worker-kill', { rate: ctx.quick ? 15 : 20 });
    try {
      cluster.load.start();
      const gapMs = ctx.quick ? 1200 : 3000;
      for (let round = 0; round < 10; round++) {
        await sleep(gapMs);
        const victim = cluster.workers[round % cluster.workers.length];
        ctx.log(`F1 kill ${round + 1}/10: SIGKILL ${victim.name} (pid ${victim.process?.pid})`);
        await victim.kill();
        // Restarted at once, so the pool keeps its size and the next kill finds a busy worker.
        await victim.start();
      }
      await sleep(gapMs);
      const audit = await cluster.settle(ctx.quick ? 30000 : 60000);
      return [{ id: 'F1', title: this.title, audit, notes: standardNotes(cluster, audit) }];
    } finally {
      await cluster.close();
    }
  },
};
