/**
 * http-submit: POST /workers/jobs at 50 connections (autocannon) against the real API host
 * (dist/apps/api/main.js, WORKER_POOL_SIZE=0) and against a bare node:http server doing a raw
 * bull add, same Redis, same run. Prints req/s, p50/p99 and the ratio (targets: ≥ 0.7, p99 ≤ 50 ms).
 *
 *   npx nx build api && node -r @swc-node/register tools/bench/http-submit/main.ts
 *   (BENCH_SECONDS=10 BENCH_CONNECTIONS=50 BENCH_ROUNDS=3)
 */
import { ChildProcess, fork, spawn } from 'node:child_process';
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

async function runOurs(redisUrl: string, round: number): Promise<Figures> {
  const port = await findFreePort();
  const child = spawn(process.execPath, [join(__dirname, '../../../dist/apps/api/main.js')], {
    env: { ...process.env, REDIS_URL: redisUrl, PORT: String(port), HOST: '127.0.0.1', WORKER_POOL_SIZE: '0', WORKER_ENABLE_SCHEDULER: 'false', LOG_LEVEL: 'silent', RIPTIDE_PREFIX: `bench${round}` },
    stdio: 'ignore',
  });
  await waitForHttp(port);
  await load(port, '/workers/jobs'); // warm-up (JIT, connections)
  const figures = await load(port, '/workers/jobs');
  await stop(child);
  return figures;
}

async function runBaseline(redisUrl: string): Promise<Figures> {
  const port = await findFreePort();
  const child = fork(join(__dirname, 'baseline-server.js'), [], { env: { ...process.env, REDIS_URL: redisUrl, PORT: String(port) }, stdio: 'ignore' });
  await new Promise((resolve) => child.once('message', resolve));
  await load(port, '/workers/jobs');
  const figures = await load(port, '/workers/jobs');
  await stop(child);
  return figures;
}

const show = (name: string, f: Figures) =>
  `${name}: ${f.rps.toFixed(0)} req/s, p50 ${f.p50} ms, p99 ${f.p99} ms${f.errors ? `, ${f.errors} errors` : ''}`;

async function main(): Promise<void> {
  const redis = await startBenchRedis();
  const ours: Figures[] = [];
  const base: Figures[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      if (round % 2 === 0) {
        base.push(await runBaseline(redis.url));
        ours.push(await runOurs(redis.url, round));
      } else {
        ours.push(await runOurs(redis.url, round));
        base.push(await runBaseline(redis.url));
      }
      console.log(`round ${round + 1}: ${show('bare node:http + bull', base[round])} | ${show('riptide', ours[round])}`);
      await redis.stop();
      await redis.start(); // each round starts from an empty Redis
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
  const b = pick(base);
  const o = pick(ours);
  console.log(`\nhttp-submit (${CONNECTIONS} connections, ${SECONDS} s per run, median of ${ROUNDS})`);
  console.log(show('bare node:http + raw bull add', b));
  console.log(show('riptide POST /workers/jobs  ', o));
  console.log(`ratio: ${(o.rps / b.rps).toFixed(2)} (target ≥ 0.70); riptide p99 ${o.p99} ms (target ≤ 50 ms)`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
