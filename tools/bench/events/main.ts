/**
 * events: how soon does a job's end reach the clients of the event stream? One API process
 * (api.ts: the event routes, no workers) and one worker process (worker.ts: a no-op custom
 * handler) on a private redis-server; this process holds BENCH_CLIENTS server-sent event clients
 * on the tenant's stream (`GET /workers/events?tenant=default`), then submits BENCH_JOBS no-op
 * jobs (bulk, 100 per request) and waits until every client has every job's `completed` event.
 *
 * Latency: arrival at the client minus the event's `at` (the Redis clock when the job's completion
 * was recorded, in the same script that logs and publishes the event), over every client and
 * every `completed` event: p50, p99, max (target p99 <= 100 ms). CPU: the API process's CPU time
 * over the run per logged event and per event delivered to a client (from /proc).
 *
 * With BENCH_WEBHOOKS=1, every job also carries a webhook for its `completed` event to a receiver
 * in a process of its own (receiver.ts) (the worker process dispatches and sends them): latency from the same `at` (the
 * payload's `created_at`) to the delivery's arrival, p50, p99, max.
 *
 *   SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register tools/bench/events/main.ts
 *   (BENCH_JOBS=1000 BENCH_CLIENTS=200 BENCH_POOL=16 BENCH_RATE=0: jobs per second, 0 = all at once;
 *   BENCH_WEBHOOKS=1)
 */
import { ChildProcess, spawn } from 'node:child_process';
import { IncomingMessage, request } from 'node:http';
import { join } from 'node:path';
import { findFreePort } from '@riptide/host';
import { envInt, startBenchRedis } from '../shared/bench-redis';
import { processCpuSecondsOf } from '../shared/rounds';

const JOBS = envInt('BENCH_JOBS', 1000);
const CLIENTS = envInt('BENCH_CLIENTS', 200);
const POOL = envInt('BENCH_POOL', 16);
/** Submissions per second, in bulk requests of up to 100; 0 = all at once. */
const RATE = envInt('BENCH_RATE', 0);
const BULK = RATE > 0 ? Math.max(1, Math.min(100, Math.round(RATE / 20))) : 100;
const WEBHOOKS = process.env['BENCH_WEBHOOKS'] === '1';
/** Webhook deliveries the worker process sends at once (the library's default). */
const HOOK_CONCURRENCY = envInt('BENCH_HOOK_CONCURRENCY', 64);
/** Jobs run through every path before the timed ones (submitted the same way), not timed. */
const WARMUP = envInt('BENCH_WARMUP', 100);
const PREFIX = 'bench-events';
/** Extra node flags for the API and worker processes (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`). */
const CHILD_ARGS = (process.env['BENCH_CHILD_ARGS'] ?? '').split(' ').filter(Boolean);
const workspaceRoot = join(__dirname, '../../..');

/** Starts one of this benchmark's processes with swc-node and waits for its "ready" line. */
function startProcess(
  file: string,
  env: Record<string, string>,
  onReady: (line: string) => void = () => undefined,
): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [...CHILD_ARGS, '-r', '@swc-node/register', join(__dirname, file)],
    {
      cwd: workspaceRoot,
      env: { ...process.env, SWC_NODE_PROJECT: join(workspaceRoot, 'tsconfig.base.json'), ...env },
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    },
  );
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      const line = chunk
        .toString()
        .split('\n')
        .find((text) => text.startsWith('ready'));
      if (line === undefined) return;
      onReady(line);
      resolve(child);
    });
  });
}

const stopProcess = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

/** One SSE client: counts events, and times each `completed` event against its `at`. */
class StreamClient {
  events = 0;
  completed = 0;
  readonly latencies: number[] = [];
  private buffer = '';
  private response?: IncomingMessage;

  /** Forgets what arrived so far (after the warm-up). */
  reset(): void {
    this.events = 0;
    this.completed = 0;
    this.latencies.length = 0;
  }

  open(url: string): Promise<void> {
    return new Promise((resolve, reject) => {
      request(url, { agent: false, headers: { accept: 'text/event-stream' } }, (response) => {
        if (response.statusCode !== 200) return reject(new Error(`stream: ${response.statusCode}`));
        this.response = response;
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => this.take(chunk));
        resolve();
      })
        .on('error', reject)
        .end();
    });
  }

  close(): void {
    this.response?.destroy();
  }

  /**
   * Counts the events of a chunk and times the `completed` ones. A load generator, kept cheap: it
   * shares the machine with what it measures, so it reads each block once and parses only `at`.
   */
  private take(chunk: string): void {
    const now = Date.now();
    const text = this.buffer + chunk;
    let start = 0;
    let end: number;
    while ((end = text.indexOf('\n\n', start)) >= 0) {
      const block = text.slice(start, end);
      start = end + 2;
      if (!block.includes('\ndata: ')) continue;
      this.events += 1;
      if (!block.includes('\nevent: completed\n')) continue;
      this.completed += 1;
      const at = block.indexOf('"at":"') + 6;
      this.latencies.push(now - Date.parse(block.slice(at, block.indexOf('"', at))));
    }
    this.buffer = text.slice(start);
  }
}

/**
 * The webhook receiver (receiver.ts), in a process of its own: a receiving service would be, and
 * the 200 stream clients of this process would otherwise delay its clock.
 */
class WebhookReceiver {
  private child?: ChildProcess;
  url = '';

  async start(): Promise<string> {
    this.child = await startProcess('receiver.ts', {}, (line) => (this.url = line.split(' ')[1]));
    return this.url;
  }

  /** Forgets the latencies so far (after the warm-up); repeats of earlier events stay ignored. */
  reset(): void {
    this.child?.send('reset');
  }

  /** Each first delivery's latency, in ms, since the last reset. */
  latencies(): Promise<number[]> {
    const child = this.child;
    if (!child) return Promise.resolve([]);
    return new Promise((resolve) => {
      child.once('message', (message: { latencies: number[] }) => resolve(message.latencies));
      child.send('report');
    });
  }

  stop(): Promise<void> {
    return this.child ? stopProcess(this.child) : Promise.resolve();
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function main(): Promise<void> {
  const redis = await startBenchRedis();
  const port = await findFreePort();
  const receiver = new WebhookReceiver();
  const webhook = WEBHOOKS ? { url: await receiver.start(), events: ['completed'] } : undefined;
  if (WEBHOOKS) console.log(`webhooks to a receiver process, ${HOOK_CONCURRENCY} sent at once`);
  const env = {
    BENCH_REDIS_URL: redis.url,
    BENCH_PREFIX: PREFIX,
    BENCH_WEBHOOKS: WEBHOOKS ? '1' : '0',
    BENCH_HOOK_CONCURRENCY: String(HOOK_CONCURRENCY),
  };
  const api = await startProcess('api.ts', { ...env, BENCH_PORT: String(port) });
  const worker = await startProcess('worker.ts', { ...env, BENCH_POOL: String(POOL) });
  const base = `http://127.0.0.1:${port}`;
  const clients = Array.from({ length: CLIENTS }, () => new StreamClient());
  /** Submits `count` jobs (at RATE per second, or all at once), then waits until every client and the receiver saw each complete. */
  const submitAndWait = async (count: number) => {
    const started = performance.now();
    for (let sent = 0; sent < count; sent += BULK) {
      const jobs = Array.from({ length: Math.min(BULK, count - sent) }, (_, i) => ({
        job_type: { type: 'custom', job_name: 'noop', payload: { i: sent + i } },
        ...(webhook ? { webhook } : {}),
      }));
      const response = await fetch(`${base}/workers/jobs/bulk`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jobs }),
      });
      const body = (await response.json()) as { submitted: number };
      if (!response.ok || body.submitted !== jobs.length)
        throw new Error(`bulk submission answered ${response.status}`);
      const due = started + ((sent + jobs.length) / RATE) * 1000;
      if (RATE > 0 && due > performance.now())
        await new Promise((r) => setTimeout(r, due - performance.now()));
    }
    const deadline = Date.now() + 300_000;
    while (
      clients.some((c) => c.completed < count) ||
      (WEBHOOKS && (await receiver.latencies()).length < count)
    ) {
      if (Date.now() > deadline)
        throw new Error('not every client (or webhook) saw every job complete');
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  try {
    for (const client of clients) await client.open(`${base}/workers/events?tenant=default`);
    console.log(
      `${CLIENTS} clients on the tenant stream; ${JOBS} no-op jobs (after ${WARMUP} not timed), worker pool ${POOL}`,
    );
    // Warm-up, not timed: the first deliveries of a fresh process pay for loading scripts,
    // opening connections, creating the tenant's secret and compiling hot paths.
    await submitAndWait(WARMUP);
    for (const client of clients) client.reset();
    receiver.reset();
    const apiCpuBefore = processCpuSecondsOf(api.pid);
    const clientCpuBefore = process.cpuUsage();
    const started = performance.now();
    await submitAndWait(JOBS);
    const seconds = (performance.now() - started) / 1000;
    const apiCpu = processCpuSecondsOf(api.pid) - apiCpuBefore;
    const clientCpu = process.cpuUsage(clientCpuBefore);
    const logged = clients[0].events;
    const delivered = clients.reduce((sum, c) => sum + c.events, 0);
    const latencies = clients.flatMap((c) => c.latencies).sort((a, b) => a - b);
    console.log(
      `${JOBS} jobs in ${seconds.toFixed(1)} s: ${logged} events logged, ${delivered} delivered (${(delivered / seconds).toFixed(0)}/s)`,
    );
    console.log(
      `completion → client: p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms, max ${latencies.at(-1)} ms over ${latencies.length} arrivals`,
    );
    if (WEBHOOKS) {
      const hooks = (await receiver.latencies()).sort((a, b) => a - b);
      console.log(
        `completion → webhook receipt: p50 ${percentile(hooks, 50)} ms, p99 ${percentile(hooks, 99)} ms, max ${hooks.at(-1)} ms over ${hooks.length} deliveries`,
      );
    }
    console.log(
      `API CPU: ${apiCpu.toFixed(2)} s, ${((apiCpu * 1e6) / logged).toFixed(0)} µs per logged event, ${((apiCpu * 1e6) / delivered).toFixed(1)} µs per delivered event`,
    );
    console.log(
      `the clients' process (reading, parsing, timing): ${((clientCpu.user + clientCpu.system) / 1e6).toFixed(2)} s CPU`,
    );
    console.log(`target p99 <= 100 ms: ${percentile(latencies, 99) <= 100 ? 'met' : 'NOT met'}`);
  } finally {
    for (const client of clients) client.close();
    await stopProcess(worker);
    await stopProcess(api);
    await receiver.stop();
    await redis.stop();
  }
}

main().catch((error: Error) => {
  console.error(error);
  process.exit(1);
});
