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
    const cluster = await Cluster.start(ctx, 'f1-worker-kill', {
      rate: ctx.quick ? 15 : 20,
      workers: 3,
    });
    try {
      cluster.load.start();
      const gapMs = ctx.quick ? 1500 : 3000;
      const ready = new Set(cluster.workers);
      const restarts: Promise<void>[] = [];
      let next = 0;
      for (let round = 0; round < 10; round++) {
        await sleep(gapMs);
        // The next worker that is up: a kill during boot would test startup, not a crash under load.
        while (!ready.size) await sleep(100);
        let victim = cluster.workers[next++ % cluster.workers.length];
        while (!ready.has(victim)) victim = cluster.workers[next++ % cluster.workers.length];
        ctx.log(`F1 kill ${round + 1}/10: SIGKILL ${victim.name} (pid ${victim.process?.pid})`);
        ready.delete(victim);
        await victim.kill();
        // Restarted in the background, so the pool recovers while the next kill lands elsewhere.
        restarts.push(victim.start().then(() => void ready.add(victim)));
      }
      await Promise.all(restarts);
      await sleep(gapMs);
      const audit = await cluster.settle(ctx.quick ? 30000 : 60000);
      const notes = standardNotes(
        cluster,
        audit,
        'the killed worker had fetched the page but not recorded the outcome; its lock expired and the stalled check gave the job to another worker',
      );
      notes.unshift(
        `10 kills ${gapMs / 1000} s apart over 3 workers; each killed worker restarted at once`,
      );
      if (audit.deadLetter)
        notes.push(
          'a job whose worker dies more than maxStalledCount (2) times is dead-lettered by design ("stalled too often"), and can be replayed with POST /workers/jobs/:id/retry',
        );
      return [{ id: 'F1', title: this.title, audit, notes }];
    } finally {
      await cluster.close();
    }
  },
};
