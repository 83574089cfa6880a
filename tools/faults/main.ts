/**
 * Fault suite: injects faults into real processes (redis-server, the API host, headless workers)
 * under a steady load of crawl submissions, and checks every acknowledged job against a ledger
 * kept by the client and a fixture site that counts each job's fetches.
 *
 *   SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register tools/faults/main.ts [--quick] [--only F1,F3]
 *   (build the hosts first: npx nx build api && npx nx build worker)
 *
 * Exit code 1 when any fault lost an acknowledged job that its configuration promised to keep.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Fault, FaultContext, FaultResult } from './shared/cluster';
import { apiMain, assertHostsBuilt, useAppsDir, workerMain } from './shared/hosts';
import { lostOf } from './shared/ledger';
import { installCleanup, killAll } from './shared/processes';
import { workerKill } from './faults/f1-worker-kill';
import { redisKill } from './faults/f2-redis-kill';
import { redisUnreachable } from './faults/f3-redis-unreachable';
import { workerPause } from './faults/f4-worker-pause';
import { apiKill } from './faults/f5-api-kill';
import { sentinelFailover } from './faults/f6-sentinel-failover';
import { diskFull } from './faults/f7-disk-full';

const FAULTS: Fault[] = [
  workerKill,
  redisKill,
  redisUnreachable,
  workerPause,
  apiKill,
  sentinelFailover,
  diskFull,
];

const USAGE =
  'usage: faults [--quick] [--only F1,F3] [--apps <dir with api/main.js and worker/main.js>]';

function parseArgs(argv: string[]): { quick: boolean; only?: Set<string>; apps?: string } {
  let quick = false;
  let apps: string | undefined;
  let only: Set<string> | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') quick = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg.includes('=') ? arg.slice('--only='.length) : argv[++i];
      only = new Set(
        (value ?? '')
          .split(',')
          .map((id) => id.trim().toUpperCase())
          .filter(Boolean),
      );
    } else if (arg === '--apps' || arg.startsWith('--apps=')) {
      apps = arg.includes('=') ? arg.slice('--apps='.length) : argv[++i];
    } else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg} (${USAGE})`);
  }
  if (only)
    for (const id of only)
      if (!FAULTS.some((f) => f.id === id))
        throw new Error(`unknown fault ${id}; known: ${FAULTS.map((f) => f.id).join(', ')}`);
  return { quick, only, apps };
}

function table(results: FaultResult[]): string {
  const header = [
    'fault',
    'accepted',
    'completed',
    'dead-lettered/failed',
    'still queued',
    'lost',
    'run-twice',
  ];
  const rows = results.map((r) => {
    const a = r.audit;
    const name = `${r.id} ${r.title}`;
    if (!a) return [name, '-', '-', '-', '-', '-', '-'];
    const lost = lostOf(a);
    const lostCell = lost ? `${lost}${r.lossAllowedBy ? ' (allowed)' : ' LOST'}` : '0';
    return [
      name,
      String(a.accepted),
      String(a.completed),
      `${a.deadLetter}/${a.failed}`,
      String(a.queued),
      lostCell,
      String(a.runTwice),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  return [
    line(header),
    `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

function explanations(results: FaultResult[]): string {
  const out: string[] = [];
  for (const r of results) {
    out.push(`${r.id} ${r.title}`);
    if (r.skipped) out.push(`  skipped: ${r.skipped}`);
    if (r.audit) {
      const a = r.audit;
      const lost = lostOf(a);
      out.push(
        `  ${a.accepted} acknowledged, ${a.refused} refused; settled in ${(a.settleMs / 1000).toFixed(1)} s; lost ${lost} (404 ${a.unknown}, stuck in Processing ${a.stuck}, unreadable ${a.unreadable})`,
      );
    }
    for (const note of r.notes) out.push(`  - ${note}`);
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const { quick, only, apps } = parseArgs(process.argv.slice(2));
  if (apps) useAppsDir(apps);
  assertHostsBuilt();
  installCleanup();
  const runDir = join(tmpdir(), `riptide-faults-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(runDir, { recursive: true });
  const started = Date.now();
  const ctx: FaultContext = {
    quick,
    runDir,
    log: (message) =>
      console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}`),
  };
  ctx.log(
    `fault suite${quick ? ' (quick)' : ''}; hosts ${apiMain()} and ${workerMain()}; logs and data in ${runDir}`,
  );
  const results: FaultResult[] = [];
  for (const fault of FAULTS.filter((f) => !only || only.has(f.id))) {
    ctx.log(`${fault.id} ${fault.title}: starting`);
    try {
      const rows = await fault.run(ctx);
      results.push(...rows);
      for (const row of rows)
        ctx.log(
          `${row.id} ${row.title}: ${row.skipped ? `skipped (${row.skipped})` : `lost ${lostOf(row.audit!)}, run-twice ${row.audit!.runTwice}`}`,
        );
    } catch (error) {
      ctx.log(`${fault.id} could not run: ${(error as Error).stack ?? String(error)}`);
      results.push({
        id: fault.id,
        title: fault.title,
        skipped: `error: ${(error as Error).message}`,
        notes: [],
      });
      // Whatever the fault left running must not disturb the next one.
      killAll();
    }
  }
  console.log(`\n${table(results)}\n\n${explanations(results)}\n`);
  const findings = results.flatMap((r) =>
    r.notes
      .filter((n) => n.startsWith('FINDING'))
      .map((n) => `${r.id} ${n.slice('FINDING: '.length)}`),
  );
  if (findings.length)
    console.log(
      `findings (the service misbehaved, though nothing acknowledged was lost):\n${findings.map((f) => `  - ${f}`).join('\n')}\n`,
    );
  const lostRows = results.filter((r) => r.audit && lostOf(r.audit) > 0);
  console.log(
    lostRows.length
      ? `LOST: ${lostRows.map((r) => `${r.id} ${r.title}: ${lostOf(r.audit!)}${r.lossAllowedBy ? ` (${r.lossAllowedBy})` : ''}`).join('; ')}`
      : 'no acknowledged job was lost',
  );
  console.log(`total ${((Date.now() - started) / 1000).toFixed(0)} s; logs in ${runDir}`);
  const failing = results.filter(
    (r) => (r.audit && lostOf(r.audit) > 0 && !r.lossAllowedBy) || r.skipped?.startsWith('error'),
  );
  killAll();
  // Exit now: a handle a failed fault left open must not keep the suite waiting.
  process.exit(failing.length ? 1 : 0);
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  killAll();
  process.exit(1);
});
