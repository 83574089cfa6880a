import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Cluster, Fault, FaultContext, standardNotes } from '../shared/cluster';
import { sleep, trackMount, untrackMount } from '../shared/processes';

/** Writes zeros into `path` until the file system answers ENOSPC; returns the bytes written. */
function fillUp(path: string): number {
  const fd = openSync(path, 'w');
  let written = 0;
  try {
    for (const size of [1 << 20, 1 << 16, 1 << 12, 1]) {
      const chunk = Buffer.alloc(size);
      try {
        for (;;) written += writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

/** GET /health, summarised: status code and which indicators are down. */
async function health(api: string): Promise<string> {
  try {
    const res = await fetch(`${api}/health`, { signal: AbortSignal.timeout(5000) });
    const body = (await res.json()) as { status?: string; error?: Record<string, unknown> };
    return `${res.status} ${body.status ?? ''}${body.error && Object.keys(body.error).length ? ` (down: ${JSON.stringify(body.error).slice(0, 200)})` : ''}`;
  } catch (error) {
    return `no answer (${(error as Error).message})`;
  }
}

/** What the API's log says about the disk: how many lines, and the first message. */
function diskLogNote(log: string): string {
  const lines = log.split('\n').filter((line) => /MISCONF|No space left|ENOSPC/i.test(line));
  if (!lines.length) return 'API log: no line says that Redis cannot write to disk';
  let first = lines[0];
  try {
    const entry = JSON.parse(first) as { level?: number; msg?: string; err?: { message?: string } };
    first = `level ${entry.level} "${entry.msg}": ${entry.err?.message ?? ''}`;
  } catch {
    /* not a JSON line: quote it as it is */
  }
  return `API log: ${lines.length} lines about the disk, first: ${first.slice(0, 300)}`;
}

function mountTmpfs(ctx: FaultContext, path: string, size: string): string | undefined {
  mkdirSync(path, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', path], { stdio: 'pipe' });
    trackMount(path);
    return undefined;
  } catch (error) {
    ctx.log(`F7: cannot mount a tmpfs (${(error as Error).message.split('\n')[0]})`);
    return 'needs root (or CAP_SYS_ADMIN) to mount a small tmpfs as the data folder';
  }
}

/**
 * F7: the embedded Redis's data folder runs out of space under load (a small tmpfs, filled up by
 * a file), then the file is removed. Redis refuses writes while it cannot append to its AOF; the
 * service must say so clearly (503 with a message, a log line), and every job it acknowledged must
 * be there once space is back.
 */
export const diskFull: Fault = {
  id: 'F7',
  title: 'Redis data folder full',
  async run(ctx) {
    const dataDir = join(ctx.runDir, 'f7-disk-full', 'data');
    const refused = mountTmpfs(ctx, dataDir, '16m');
    if (refused) return [{ id: 'F7', title: this.title, skipped: refused, notes: [] }];
    const outageMs = ctx.quick ? 6000 : 20000;
    let cluster: Cluster | undefined;
    try {
      cluster = await Cluster.start(ctx, 'f7-disk-full', {
        rate: ctx.quick ? 15 : 20,
        embeddedDataDir: dataDir,
      });
      cluster.load.start();
      await sleep(ctx.quick ? 3000 : 8000);
      const filler = join(dataDir, 'filler.bin');
      const refusedBefore = cluster.ledger.refused.length;
      const acceptedBefore = cluster.ledger.accepted.length;
      const bytes = fillUp(filler);
      ctx.log(
        `F7: data folder full (${(bytes / 1048576).toFixed(1)} MiB of filler) for ${outageMs / 1000} s`,
      );
      await sleep(Math.min(3000, outageMs / 2));
      const healthDuring = await health(cluster.api.url);
      await sleep(outageMs - Math.min(3000, outageMs / 2));
      rmSync(filler);
      ctx.log('F7: filler removed, space is back');
      const refusedDuring = cluster.ledger.refused.length - refusedBefore;
      const acceptedDuring = cluster.ledger.accepted.length - acceptedBefore;
      await sleep(ctx.quick ? 4000 : 10000);
      const healthAfter = await health(cluster.api.url);
      const audit = await cluster.settle(ctx.quick ? 30000 : 60000);
      const notes = standardNotes(
        cluster,
        audit,
        'attempts that finished while the disk was full could not record their outcome (MISCONF) and were run again',
      );
      notes.unshift(
        `while full: ${acceptedDuring} submissions acknowledged, ${refusedDuring} refused; GET /health during: ${healthDuring}; after: ${healthAfter}`,
      );
      notes.push(diskLogNote(readFileSync(cluster.api.process!.logPath, 'utf8')));
      return [{ id: 'F7', title: this.title, audit, notes }];
    } finally {
      await cluster?.close();
      try {
        execFileSync('umount', [dataDir], { stdio: 'ignore' });
      } catch {
        execFileSync('umount', ['-l', dataDir], { stdio: 'ignore' });
      }
      untrackMount(dataDir);
    }
  },
};
