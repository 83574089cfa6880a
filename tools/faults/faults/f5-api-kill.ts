import { Cluster, Fault, standardNotes } from '../shared/cluster';
import { sleep } from '../shared/processes';

/**
 * F5: SIGKILL the API in the middle of a burst of submissions, then restart it. Clients see
 * errors; every submission that was acknowledged must still be there.
 */
export const apiKill: Fault = {
  id: 'F5',
  title: 'SIGKILL the API mid-burst',
  async run(ctx) {
    const cluster = await Cluster.start(ctx, 'f5-api-kill', { rate: ctx.quick ? 15 : 20 });
    try {
      cluster.load.start();
      await sleep(2000);
      // A burst on top of the steady load, so the kill lands with many submissions half-done.
      const burst = cluster.load.burst(ctx.quick ? 400 : 1000, 32);
      await sleep(ctx.quick ? 700 : 1500);
      ctx.log(`F5: SIGKILL api (pid ${cluster.api.process?.pid}) mid-burst`);
      await cluster.api.kill();
      await burst;
      await sleep(1000);
      ctx.log('F5: restarting the API on the same port');
      await cluster.api.start();
      await sleep(ctx.quick ? 3000 : 8000);
      const audit = await cluster.settle(ctx.quick ? 30000 : 60000);
      return [{ id: 'F5', title: this.title, audit, notes: standardNotes(cluster, audit) }];
    } finally {
      await cluster.close();
    }
  },
};
