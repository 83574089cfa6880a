import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { WorkFixture } from './fixture';
import { ApiHost, startAll, WorkerHost } from './hosts';
import { Audit, auditLedger, Ledger } from './ledger';
import { LoadGenerator } from './load';
import { FaultRedis, FsyncPolicy } from './redis';

/** What every fault gets from the runner. */
export interface FaultContext {
  quick: boolean;
  /** Folder for this run's logs and data; each fault has its own subfolder. */
  runDir: string;
  log(message: string): void;
}

/** One row of the table. */
export interface FaultResult {
  id: string;
  title: string;
  audit?: Audit;
  /** Set when the fault could not run here, with the reason. */
  skipped?: string;
  /** Client errors, fsync policy, run-twice explanation, findings. */
  notes: string[];
  /** Set when losing acknowledged jobs is what the configuration promises (appendfsync everysec). */
  lossAllowedBy?: string;
}

export interface Fault {
  id: string;
  title: string;
  run(ctx: FaultContext): Promise<FaultResult[]>;
}

export interface ClusterOptions {
  /** Headless worker processes. Default 2. */
  workers?: number;
  /** Concurrent jobs per worker. Default 4. */
  poolSize?: number;
  fsync?: FsyncPolicy;
  /** Submissions per second of the steady load. */
  rate: number;
  apiEnv?: Record<string, string | undefined>;
  workerEnv?: Record<string, string | undefined>;
  /** The hosts find Redis through apiEnv / workerEnv (REDIS_SENTINELS); no redis-server of the cluster's own. */
  redisFromEnv?: boolean;
  /**
   * No redis-server of the suite's and no headless workers: the API runs all-in-one with its
   * embedded Redis, its data in this folder (RIPTIDE_DATA_DIR).
   */
  embeddedDataDir?: string;
}

/**
 * The system under test for most faults: one redis-server (AOF on), an API with no workers of its
 * own, headless workers, the fixture site, and the load generator writing the ledger.
 */
export class Cluster {
  readonly ledger = new Ledger();
  readonly fixture = new WorkFixture(200);
  readonly redis?: FaultRedis;
  readonly api: ApiHost;
  readonly workers: WorkerHost[];
  readonly load: LoadGenerator;
  readonly dir: string;

  private constructor(ctx: FaultContext, name: string, options: ClusterOptions) {
    this.dir = join(ctx.runDir, name);
    mkdirSync(this.dir, { recursive: true });
    const embedded = options.embeddedDataDir !== undefined;
    if (!options.redisFromEnv && !embedded)
      this.redis = new FaultRedis({
        dataDir: join(this.dir, 'redis-data'),
        logDir: this.dir,
        fsync: options.fsync,
      });
    this.api = embedded
      ? new ApiHost(
          {
            WORKER_POOL_SIZE: String(options.poolSize ?? 4),
            ...options.apiEnv,
            RIPTIDE_DATA_DIR: options.embeddedDataDir,
          },
          this.dir,
        )
      : new ApiHost(
          {
            WORKER_POOL_SIZE: '0',
            ...options.apiEnv,
            RIPTIDE_DATA_DIR: join(this.dir, 'api-data'),
          },
          this.dir,
        );
    this.workers = Array.from(
      { length: embedded ? 0 : (options.workers ?? 2) },
      (_, i) =>
        new WorkerHost(
          {
            WORKER_POOL_SIZE: String(options.poolSize ?? 4),
            ...options.workerEnv,
            RIPTIDE_DATA_DIR: join(this.dir, `worker-${i + 1}-data`),
          },
          this.dir,
          `worker-${i + 1}`,
        ),
    );
    this.load = new LoadGenerator({
      api: () => this.api.url,
      fixture: this.fixture,
      ledger: this.ledger,
      rate: options.rate,
      keyPrefix: name,
    });
  }

  static async start(ctx: FaultContext, name: string, options: ClusterOptions): Promise<Cluster> {
    const cluster = new Cluster(ctx, name, options);
    try {
      await cluster.fixture.start();
      await cluster.redis?.start();
      // The Redis port is known only now; the hosts read their env at start.
      const redis = cluster.redis;
      if (redis)
        for (const host of [cluster.api, ...cluster.workers]) host.env['REDIS_URL'] = redis.url;
      await startAll([cluster.api, ...cluster.workers]);
      return cluster;
    } catch (error) {
      await cluster.close();
      throw error;
    }
  }

  /** Stops the load, then waits up to `settleMs` for every acknowledged job to finish. */
  async settle(settleMs: number): Promise<Audit> {
    await this.load.stop();
    await this.load.resendRefused();
    return auditLedger(() => this.api.url, this.ledger, this.fixture, settleMs);
  }

  async close(): Promise<void> {
    await this.load.stop();
    await Promise.all([this.api.stop(), ...this.workers.map((w) => w.stop())]);
    await this.redis?.stop();
    await this.fixture.close();
  }
}

/** The usual notes of a row: client errors, back-pressure, run-twice, failures, losses. */
export function standardNotes(
  cluster: Cluster,
  audit: Audit,
  whyTwice = 'an attempt cut off by the fault is run again',
): string[] {
  const notes: string[] = [];
  const errors = cluster.ledger.errorSummary();
  if (errors.length) notes.push(`client saw ${audit.refused} errors: ${errors.join('; ')}`);
  const internal = cluster.ledger.refused.filter((s) => s.error?.startsWith('500')).length;
  if (internal)
    notes.push(
      `FINDING: ${internal} answers were 500 Internal server error, not a 503 saying what is wrong with Redis`,
    );
  if (cluster.load.skipped)
    notes.push(
      `${cluster.load.skipped} submissions not sent: 200 were already waiting for an answer`,
    );
  if (audit.runTwice)
    notes.push(
      `run-twice: ${audit.runTwice} jobs fetched more than once (${audit.extraRuns} extra fetches); delivery is at-least-once: ${whyTwice}`,
    );
  if (audit.refused)
    notes.push(
      `after the fault the client resent the ${audit.refused} refused submissions with the same Idempotency-Key: ${audit.resent.replayed} replayed a job the error had in fact created, ${audit.resent.fresh} created it then, ${audit.resent.failed} failed again`,
    );
  const resendErrors = new Map<string, number>();
  for (const s of cluster.ledger.refused)
    if (s.retried && s.retried !== 'new' && s.retried !== 'replayed')
      resendErrors.set(s.retried, (resendErrors.get(s.retried) ?? 0) + 1);
  if (resendErrors.size)
    notes.push(
      `resend errors: ${[...resendErrors.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([e, n]) => `${e} ×${n}`)
        .join('; ')}`,
    );
  const held = cluster.ledger.refused.filter((s) => s.retried?.startsWith('409'));
  // A request cut by a crash leaves its reservation to lapse by design; one the API answered should not.
  const heldAfterAnswer = held.filter((s) => /^5\d\d /.test(s.error ?? ''));
  if (held.length > heldAfterAnswer.length)
    notes.push(
      `${held.length - heldAfterAnswer.length} resends of requests cut by the crash were held ~10 s and refused 409 "still being processed": the dead request's Idempotency-Key reservation lapses only after 60 s (by design)`,
    );
  if (heldAfterAnswer.length) {
    const neverRan = heldAfterAnswer.filter((s) => !cluster.fixture.hits.get(s.key)).length;
    notes.push(
      `FINDING: ${heldAfterAnswer.length} resends of requests the API had answered with an error (${[...new Set(heldAfterAnswer.map((s) => s.error))].slice(0, 2).join('; ')}) were held ~10 s and refused 409 "still being processed"; ${neverRan} of these jobs never ran: the failed request left its Idempotency-Key reserved, blocking the key until the reservation lapses (60 s)`,
    );
  }
  const cut = audit.createdDespiteError - audit.createdDespiteErrorStatus;
  if (cut)
    notes.push(
      `${cut} submissions whose connection was cut before the answer had created their job (ambiguous by nature; the Idempotency-Key resend is what makes them safe)`,
    );
  if (audit.createdDespiteErrorStatus)
    notes.push(
      `FINDING: ${audit.createdDespiteErrorStatus} submissions answered with an HTTP error status were created anyway; a client that resends without an Idempotency-Key, as "try again shortly" invites, gets a duplicate`,
    );
  if (audit.duplicatesFromResend)
    notes.push(
      `FINDING: ${audit.duplicatesFromResend} resends with the same Idempotency-Key created a second job (fixture served the URL twice)`,
    );
  if (audit.failureReasons.length)
    notes.push(`not completed: ${audit.failureReasons.slice(0, 3).join('; ')}`);
  if (audit.completedUnseen)
    notes.push(
      `${audit.completedUnseen} jobs Completed although the fixture never served their URL`,
    );
  notes.push(...audit.examples);
  return notes;
}
