/**
 * http-submit: POST /workers/jobs at 50 connections (autocannon) against the real API host
 * (dist/apps/api/main.js, WORKER_POOL_SIZE=0), against a bare node:http server doing a raw bull add
 * (the baseline of the ratio), and against a bare Fastify server doing the same (the framework floor,
 * for reference), same Redis, same run. Prints req/s, p50/p99 and the ratio (targets: ≥ 0.7, p99 ≤ 50 ms).
 *
 * On Linux with two or more cores the server under test gets a core of its own (taskset) and the load
 * generator and Redis share the other, so the figures measure the server, not the scheduler's mood.
 *
 *   npx nx build api && node -r @swc-node/register tools/bench/http-submit/main.ts
 *   (BENCH_SECONDS=10 BENCH_CONNECTIONS=50 BENCH_ROUNDS=3)
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { findFreePort } from '../../../libs/host/src/lib/redis-server-process';
import { envInt, median, startBenchRedis } from '../shared/bench-redis';

const SECONDS = envInt('BENCH_SECONDS', 10);
const CONNECTIONS = envInt('BENCH_CONNECTIONS', 50);
const ROUNDS = envInt('BENCH_ROUNDS', 3);
const BODY = JSON.stringify({ job_type: { type: 'custom', job_name: 'noop', payload: { n: 1 } }, priority: 'Normal', metadata: { bench: true } });

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
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

async function load(port: number, path: string): Promise<Figures> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}${path}`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: BODY,
    connections: CONNECTIONS,
    duration: SECONDS,
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.non2xx + result.errors };
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
  env?: (round: number) => Record<string, string>;
}

const SERVERS: Server[] = [
  { name: 'bare node:http + raw bull add', script: join(__dirname, 'baseline-server.js') },
  { name: 'bare Fastify + raw bull add  ', script: join(__dirname, 'fastify-server.js') },
  {
    name: 'riptide POST /workers/jobs   ',
    script: join(__dirname, '../../../dist/apps/api/main.js'),
    env: (round) => ({ HOST: '127.0.0.1', WORKER_POOL_SIZE: '0', WORKER_ENABLE_SCHEDULER: 'false', LOG_LEVEL: 'silent', RIPTIDE_PREFIX: `bench${round}` }),
  },
];

async function run(server: Server, redisUrl: string, round: number): Promise<Figures> {
  const port = await findFreePort();
  const [command, ...args] = [...serverPin, process.execPath, server.script];
  const child = spawn(command, args, {
    env: { ...process.env, REDIS_URL: redisUrl, PORT: String(port), ...server.env?.(round) },
    stdio: 'ignore',
  });
  await waitForHttp(port);
  await load(port, '/workers/jobs'); // warm-up (JIT, connections)
  const figures = await load(port, '/workers/jobs');
  await stop(child);
  return figures;
}

const show = (name: string, f: Figures) =>
  `${name}: ${f.rps.toFixed(0)} req/s, p50 ${f.p50} ms, p99 ${f.p99} ms${f.errors ? `, ${f.errors} errors` : ''}`;

async function main(): Promise<void> {
  pinLoadToCoreZero();
  const redis = await startBenchRedis(); // inherits the load generator's core
  const figures: Figures[][] = SERVERS.map(() => []);
  try {
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order so that neither server always runs on a warmer (or more tired) machine.
      const order = round % 2 === 0 ? SERVERS.map((_, i) => i) : SERVERS.map((_, i) => SERVERS.length - 1 - i);
      for (const i of order) {
        figures[i].push(await run(SERVERS[i], redis.url, round));
        await redis.stop();
        await redis.start(); // each run starts from an empty Redis
      }
      console.log(`round ${round + 1}: ${SERVERS.map((server, i) => show(server.name.trim(), figures[i][round])).join(' | ')}`);
    }
  } finally {
    await redis.stop();
  }
  const pick = (list: Figures[]): Figures => ({
    rps: median(list.map((f) => f.rps)),
    p50: median(list.map((f) => f.p50)),
    p99: median(list.map((f) => f.p99)),
    errors: list.reduce((n, f) => n + f.errors, 0),
  });
  const [bare, fastify, ours] = figures.map(pick);
  console.log(`\nhttp-submit (${CONNECTIONS} connections, ${SECONDS} s per run, median of ${ROUNDS}; server ${serverPin.length ? 'pinned to its own core' : 'not pinned'})`);
  SERVERS.forEach((server, i) => console.log(show(server.name, [bare, fastify, ours][i])));
  console.log(`ratio: ${(ours.rps / bare.rps).toFixed(2)} (target ≥ 0.70); against bare Fastify ${(ours.rps / fastify.rps).toFixed(2)}; bare Fastify against node:http ${(fastify.rps / bare.rps).toFixed(2)}`);
  console.log(`riptide p99 ${ours.p99} ms (target ≤ 50 ms)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
