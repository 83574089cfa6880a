import { Cluster, Fault, standardNotes } from '../shared/cluster';
import { sleep } from '../shared/processes';

/**
 * F3: Redis unreachable (SIGSTOP: connections stay open but nothing answers, the hardest case for
 * clients) for 30 s, 8 s in quick mode, then SIGCONT. The API must answer 503 fast, not hang.
 */
export const redisUnreachable: Fault = {
  id: 'F3',
  title: 'Redis unreachable (SIGSTOP)',
  async run(ctx) {
    const outageMs = ctx.quick ? 8000 : 30000;
    const cluster = await Cluster.start(ctx, 'f3-redis-unreachable', { rate: ctx.quick ? 15 : 20 });
    try {
      cluster.load.start();
      await sleep(ctx.quick ? 3000 : 8000);
      const redis = cluster.redis!;
      ctx.log(`F3: SIGSTOP redis-server for ${outageMs / 1000} s`);
      const refusedBefore = cluster.ledger.refused.length;
      redis.process?.signal('SIGSTOP');
      await sleep(outageMs);
      redis.process?.signal('SIGCONT');
      ctx.log('F3: SIGCONT redis-server');
      const during = cluster.ledger.refused.length - refusedBefore;
      await sleep(ctx.quick ? 5000 : 10000);
      const audit = await cluster.settle(ctx.quick ? 30000 : 60000);
      const notes = standardNotes(
        cluster,
        audit,
        'attempts running while Redis was stopped could not renew their 2 s locks; once Redis answered, the stalled check gave them to a worker again',
      );
      notes.unshift(
        `outage ${outageMs / 1000} s; ${during} submissions refused while Redis was stopped`,
      );
      const slow = cluster.ledger.refused.filter((s) =>
        s.error?.startsWith('client timeout'),
      ).length;
      if (slow)
        notes.push(
          `${slow} submissions got no answer within 10 s (the API should fail fast with 503 within 2 s)`,
        );
      return [{ id: 'F3', title: `${this.title} ${outageMs / 1000} s`, audit, notes }];
    } finally {
      await cluster.close();
    }
  },
};
