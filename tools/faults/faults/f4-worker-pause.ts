import { Cluster, Fault, standardNotes } from '../shared/cluster';
import { LOCK_DURATION_MS } from '../shared/hosts';
import { sleep } from '../shared/processes';

/**
 * F4: SIGSTOP a worker for twice its lock duration, then SIGCONT. Its locks expire meanwhile, the
 * stalled check gives its jobs to the other worker, and the paused one wakes up holding stale
 * jobs: it must not record an outcome over the new owner's (fencing), and nothing may be lost.
 */
export const workerPause: Fault = {
  id: 'F4',
  title: `SIGSTOP a worker ${(2 * LOCK_DURATION_MS) / 1000} s (2× lock)`,
  async run(ctx) {
    const cluster = await Cluster.start(ctx, 'f4-worker-pause', { rate: ctx.quick ? 15 : 20 });
    try {
      cluster.load.start();
      const rounds = ctx.quick ? 2 : 5;
      for (let round = 0; round < rounds; round++) {
        await sleep(ctx.quick ? 2000 : 4000);
        const victim = cluster.workers[round % cluster.workers.length];
        ctx.log(
          `F4 pause ${round + 1}/${rounds}: SIGSTOP ${victim.name} for ${(2 * LOCK_DURATION_MS) / 1000} s`,
        );
        victim.process?.signal('SIGSTOP');
        await sleep(2 * LOCK_DURATION_MS);
        victim.process?.signal('SIGCONT');
      }
      await sleep(3000);
      const audit = await cluster.settle(ctx.quick ? 30000 : 60000);
      const notes = standardNotes(
        cluster,
        audit,
        "the paused worker's locks expired, another worker ran its jobs, and the paused one finished its own fetch when resumed (its late outcome must be fenced off)",
      );
      notes.unshift(
        `${rounds} pauses of ${(2 * LOCK_DURATION_MS) / 1000} s (WORKER_LOCK_DURATION_MS=${LOCK_DURATION_MS})`,
      );
      return [{ id: 'F4', title: this.title, audit, notes }];
    } finally {
      await cluster.close();
    }
  },
};
