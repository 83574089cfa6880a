/**
 * http-submit: POST /workers/jobs at 50 connections (autocannon) against the real API host
 * (dist/apps/api/main.js, WORKER_POOL_SIZE=0), against a bare node:http server doing a raw bull add
 * (the baseline of the ratio), and, for reference, against the framework floors doing the same add: a
 * bare Fastify server, and a bare Nest app on Fastify with the API's ValidationPipe; same Redis, same
 * run, over alternating rounds. Prints req/s, p50/p99 and the server's CPU time per request, which
 * varies much less than req/s when the machine is shared; the ratio that has a target is RipTide
 * against the bare Nest + pipe floor by CPU per request (≥ 0.9, p99 ≤ 30 ms); the node:http ratio
 * is information. No ratio is printed when a baseline round looks starved. RipTide runs twice: in local
 * mode (no key) and in keys mode with a tenant's API key on every request, so the cost of the access
 * check is the difference of the two in the same run.
 *
 * The bulk row: jobs/s through `POST /workers/jobs/bulk` with BENCH_BULK_SIZE (100) jobs per request,
 * against a bare node:http server doing one raw bull addBulk per request (targets: ≥ 0.5 of it, and
 * ≥ 10× the single-request submissions of the table above), in the same rounds.
 *
 * On Linux with two or more cores the server under test gets a core of its own (taskset) and the load
 * generator and Redis share the other, so the figures measure the server, not the scheduler's mood.
 *
 *   npx nx build api && node -r @swc-node/register tools/bench/http-submit/main.ts
 *   (BENCH_SECONDS=10 BENCH_CONNECTIONS=50 BENCH_ROUNDS=5)
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { findFreePort } from '@riptide/host';
import { declareHandledJobTypes } from '@riptide/queue/testing';
import { envInt, median, startBenchRedis } from '../shared/bench-redis';
import { benchRounds, ratioOfRounds, processCpuSecondsOf } from '../shared/rounds';

const SECONDS = envInt('BENCH_SECONDS', 10);
const CONNECTIONS = envInt('BENCH_CONNECTIONS', 50);
const ROUNDS = benchRounds();
const BODY = JSON.stringify({
  job_type: { type: 'custom', job_name: 'noop', payload: { n: 1 } },
  priority: 'Normal',
  metadata: { bench: true },
});
const BULK_SIZE = envInt('BENCH_BULK_SIZE', 100);
const BULK_BODY = JSON.stringify({
  jobs: Array.from({ length: BULK_SIZE }, () => JSON.parse(BODY) as unknown),
});

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** Server CPU (user + system) per answered request, in microseconds; NaN where /proc is missing. */
  cpuMicros: number;
}

async function waitForHttp(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/workers/stats/queue`);
      if (response.status < 500) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server on ${port} never answered`);
}

async function load(
  port: number,
  path: string,
  pid: number,
  headers: Record<string, string>,
  body = BODY,
): Promise<Figures> {
  const cpuBefore = processCpuSecondsOf(pid);
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${path}`,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    connections: CONNECTIONS,
    duration: SECONDS,
  });
  const cpuMicros = ((processCpuSecondsOf(pid) - cpuBefore) * 1e6) / result.requests.total;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors,
    cpuMicros,
  };
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** `taskset -c 1` when the machine can give the server a core of its own (see pinLoadToCoreZero). */
let serverPin: string[] = [];

function pinLoadToCoreZero(): void {
  if (process.platform !== 'linux' || cpus().length < 2) return;
  try {
    execFileSync('taskset', ['-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
    serverPin = ['taskset', '-c', '1'];
  } catch {
    /* no taskset: everything shares every core */
  }
}

interface Server {
  name: string;
  script: string;
  /** Node arguments before the script (the Nest floor is TypeScript, loaded through swc). */
  nodeArgs?: string[];
  env?: (round: number) => Record<string, string>;
  /** Prepares the running server; returns the headers every request of the load carries. */
  setup?: (port: number) => Promise<Record<string, string>>;
  /** What the load posts where. Default `/workers/jobs` and one job (BODY). */
  path?: string;
  body?: string;
}

const BENCH_ADMIN_KEY = 'bench-admin-key-0123456789abcdef0123456789';
const ripTideEnv = (round: number) => ({
  HOST: '127.0.0.1',
  WORKER_POOL_SIZE: '0',
  WORKER_ENABLE_SCHEDULER: 'false',
  LOG_LEVEL: 'silent',
  RIPTIDE_PREFIX: `bench${round}`,
});

/**
 * A tenant's key with jobs:write, made through the API as a client would get one; its limits are
 * lifted so that the load measures the access check, not the rate limit or the quota refusing.
 */
async function tenantKey(port: number): Promise<Record<string, string>> {
  const response = await fetch(`http://127.0.0.1:${port}/admin/keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_ADMIN_KEY}` },
    body: JSON.stringify({
      name: 'bench',
      tenant: 'bench',
      scopes: ['jobs:write'],
      rate_limit_per_sec: 1000000,
      burst: 1000000,
      max_active_jobs: 100000000,
    }),
  });
  if (response.status !== 201)
    throw new Error(`creating the bench key answered ${response.status}`);
  const { key } = (await response.json()) as { key: string };
  return { authorization: `Bearer ${key}` };
}

const SERVERS: Server[] = [
  { name: 'bare node:http + raw bull add', script: join(__dirname, 'baseline-server.js') },
  { name: 'bare Fastify + raw bull add  ', script: join(__dirname, 'fastify-server.js') },
  {
    name: 'bare Nest + pipe + bull add   ',
    script: join(__dirname, 'nest-server.ts'),
    nodeArgs: ['-r', '@swc-node/register'],
    env: () => ({ SWC_NODE_PROJECT: join(__dirname, '../../../tsconfig.base.json') }),
  },
  {
    name: 'riptide POST /workers/jobs   ',
    script: join(__dirname, '../../../dist/apps/api/main.js'),
    env: ripTideEnv,
  },
  {
    name: 'riptide, tenant API key      ',
    script: join(__dirname, '../../../dist/apps/api/main.js'),
    env: (round) => ({ ...ripTideEnv(round), RIPTIDE_ADMIN_KEY: BENCH_ADMIN_KEY }),
    setup: tenantKey,
  },
];

/** A bulk server must accept every item, or its req/s would not be BULK_SIZE jobs each. */
async function acceptsWholeBulk(port: number): Promise<Record<string, string>> {
  const response = await fetch(`http://127.0.0.1:${port}/workers/jobs/bulk`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: BULK_BODY,
  });
  const answer = (await response.json()) as { submitted?: number };
  if (response.status !== 200 || answer.submitted !== BULK_SIZE)
    throw new Error(`bulk answered ${response.status} ${JSON.stringify(answer).slice(0, 300)}`);
  return {};
}

const BULK_SERVERS: Server[] = [
  {
    name: 'bare node:http + raw addBulk ',
    script: join(__dirname, 'bulk-baseline-server.js'),
    path: '/workers/jobs/bulk',
    body: BULK_BODY,
    setup: acceptsWholeBulk,
  },
  {
    name: 'riptide POST /workers/jobs/bulk',
    script: join(__dirname, '../../../dist/apps/api/main.js'),
    env: ripTideEnv,
    path: '/workers/jobs/bulk',
    body: BULK_BODY,
    setup: acceptsWholeBulk,
  },
];

async function run(server: Server, redisUrl: string, round: number): Promise<Figures> {
  // Submissions of a custom type need a worker that handles it: one is declared, none runs here.
  const prefix = server.env?.(round)['RIPTIDE_PREFIX'];
  if (prefix) await declareHandledJobTypes(redisUrl, prefix, ['custom:noop']);
  const port = await findFreePort();
  const [command, ...args] = [
    ...serverPin,
    process.execPath,
    ...(server.nodeArgs ?? []),
    server.script,
  ];
  const child = spawn(command, args, {
    env: { ...process.env, REDIS_URL: redisUrl, PORT: String(port), ...server.env?.(round) },
    stdio: 'ignore',
  });
  await waitForHttp(port);
  const pid = child.pid ?? -1; // taskset execs the server, so the pid stays the server's
  const headers = (await server.setup?.(port)) ?? {};
  const path = server.path ?? '/workers/jobs';
  await load(port, path, pid, headers, server.body); // warm-up (JIT, connections)
  const figures = await load(port, path, pid, headers, server.body);
  await stop(child);
  return figures;
}

const showBulk = (name: string, f: Figures) =>
  `${name}: ${(f.rps * BULK_SIZE).toFixed(0)} jobs/s (${f.rps.toFixed(0)} req/s), p50 ${f.p50} ms, p99 ${f.p99} ms, ${(f.cpuMicros / BULK_SIZE).toFixed(0)} µs CPU/job${f.errors ? `, ${f.errors} errors` : ''}`;

const show = (name: string, f: Figures) =>
  `${name}: ${f.rps.toFixed(0)} req/s, p50 ${f.p50} ms, p99 ${f.p99} ms, ${f.cpuMicros.toFixed(0)} µs CPU/req${f.errors ? `, ${f.errors} errors` : ''}`;

async function main(): Promise<void> {
  pinLoadToCoreZero();
  const redis = await startBenchRedis(); // inherits the load generator's core
  const figures: Figures[][] = SERVERS.map(() => []);
  const bulkFigures: Figures[][] = BULK_SERVERS.map(() => []);
  try {
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order so that neither server always runs on a warmer (or more tired) machine.
      const order =
        round % 2 === 0 ? SERVERS.map((_, i) => i) : SERVERS.map((_, i) => SERVERS.length - 1 - i);
      for (const i of order) {
        figures[i].push(await run(SERVERS[i], redis.url, round));
        await redis.stop();
        await redis.start(); // each run starts from an empty Redis
      }
      console.log(
        `round ${round + 1}: ${SERVERS.map((server, i) => show(server.name.trim(), figures[i][round])).join(' | ')}`,
      );
      const bulkOrder = round % 2 === 0 ? [0, 1] : [1, 0];
      for (const i of bulkOrder) {
        bulkFigures[i].push(await run(BULK_SERVERS[i], redis.url, round));
        await redis.stop();
        await redis.start();
      }
      console.log(
        `round ${round + 1} bulk: ${BULK_SERVERS.map((server, i) => showBulk(server.name.trim(), bulkFigures[i][round])).join(' | ')}`,
      );
    }
  } finally {
    await redis.stop();
  }
  const pick = (list: Figures[]): Figures => ({
    rps: median(list.map((f) => f.rps)),
    p50: median(list.map((f) => f.p50)),
    p99: median(list.map((f) => f.p99)),
    errors: list.reduce((n, f) => n + f.errors, 0),
    cpuMicros: median(list.map((f) => f.cpuMicros)),
  });
  const picked = figures.map(pick);
  const [bare, fastify, nest, ours, keyed] = picked;
  console.log(
    `\nhttp-submit (${CONNECTIONS} connections, ${SECONDS} s per run, median of ${ROUNDS}; server ${serverPin.length ? 'pinned to its own core' : 'not pinned'})`,
  );
  SERVERS.forEach((server, i) => console.log(show(server.name, picked[i])));
  const against = (f: Figures) =>
    `${(ours.rps / f.rps).toFixed(2)} by req/s, ${(f.cpuMicros / ours.cpuMicros).toFixed(2)} by CPU per request`;
  // CPU per request is the steadier figure; as a "higher is better" figure it is requests per CPU second.
  const perCpuSecond = (list: Figures[]) => list.map((f) => 1e6 / f.cpuMicros);
  const [bareRounds, nestRounds, ourRounds] = [figures[0], figures[2], figures[3]];
  console.log(
    `against bare Nest + pipe by CPU per request: ${ratioOfRounds(perCpuSecond(nestRounds), perCpuSecond(ourRounds)).note} (target ≥ 0.90)`,
  );
  console.log(
    `against node:http by req/s (information): ${
      ratioOfRounds(
        bareRounds.map((f) => f.rps),
        ourRounds.map((f) => f.rps),
      ).note
    }`,
  );
  console.log(
    `by CPU per request against node:http: ${(bare.cpuMicros / ours.cpuMicros).toFixed(2)}`,
  );
  console.log(
    `riptide against bare Fastify: ${against(fastify)}; against bare Nest: ${against(nest)}`,
  );
  console.log(
    `floors against node:http by req/s: bare Fastify ${(fastify.rps / bare.rps).toFixed(2)}, bare Nest ${(nest.rps / bare.rps).toFixed(2)}`,
  );
  console.log(`riptide p99 ${ours.p99} ms (target ≤ 30 ms)`);
  const keyCost = keyed.cpuMicros / ours.cpuMicros - 1;
  console.log(
    `access check: ${keyed.cpuMicros.toFixed(0)} µs CPU/req with a tenant key vs ${ours.cpuMicros.toFixed(0)} without: ${(keyCost * 100).toFixed(1)} % more CPU per request (target ≤ 10 %), ${(keyed.rps / ours.rps).toFixed(2)} of the req/s`,
  );
  const [rawBulk, ourBulk] = bulkFigures.map(pick);
  console.log(`\nbulk (${BULK_SIZE} jobs per request, median of ${ROUNDS})`);
  BULK_SERVERS.forEach((server, i) => console.log(showBulk(server.name, [rawBulk, ourBulk][i])));
  console.log(
    `bulk against raw addBulk by jobs/s: ${
      ratioOfRounds(
        bulkFigures[0].map((f) => f.rps),
        bulkFigures[1].map((f) => f.rps),
      ).note
    } (target ≥ 0.50), ${(rawBulk.cpuMicros / ourBulk.cpuMicros).toFixed(2)} by CPU per job; ` +
      `${((ourBulk.rps * BULK_SIZE) / ours.rps).toFixed(1)}× the jobs/s of single submissions (target ≥ 10×)`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
