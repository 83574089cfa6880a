import type { WorkFixture } from './fixture';
import type { Ledger, Submission } from './ledger';
import { sleep } from './processes';

export interface LoadOptions {
  /** The API's base URL, read per submission (a fault may restart the API). */
  api: () => string;
  fixture: WorkFixture;
  ledger: Ledger;
  /** Submissions per second. */
  rate: number;
  /** Prefix of the job keys, so that keys are unique across faults. */
  keyPrefix: string;
  /** Client timeout per submission. Default 10 s (the API promises 503 within 2 s). */
  timeoutMs?: number;
  /** Submissions in flight at most; ticks beyond it are skipped (the API is hanging). Default 200. */
  maxInFlight?: number;
}

/**
 * A steady stream of single_crawl submissions, each for its own fixture URL, recorded in the
 * ledger. Retries are quick so that a job failed by a fault settles within the settle period.
 */
export class LoadGenerator {
  private timer?: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<void>>();
  private next = 0;
  /** Ticks skipped because `maxInFlight` submissions were unanswered. */
  skipped = 0;

  constructor(private readonly options: LoadOptions) {}

  start(): void {
    const every = 1000 / this.options.rate;
    let due = Date.now();
    // A self-correcting timer: the rate holds even when the event loop is busy auditing answers.
    const tick = () => {
      const now = Date.now();
      while (due <= now) {
        due += every;
        if (this.inFlight.size >= (this.options.maxInFlight ?? 200)) this.skipped++;
        else void this.submitOne();
      }
      this.timer = setTimeout(tick, Math.max(1, due - Date.now()));
    };
    tick();
  }

  /** Submits `count` jobs as fast as the API answers, `parallel` at a time (a burst). */
  async burst(count: number, parallel: number): Promise<void> {
    let left = count;
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (left-- > 0) await this.submitOne();
      }),
    );
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  private submitOne(): Promise<void> {
    const { ledger, fixture, keyPrefix } = this.options;
    const key = `${keyPrefix}-${this.next++}`;
    const body = JSON.stringify({
      job_type: {
        type: 'single_crawl',
        url: fixture.url(key),
        options: { cache_mode: 'bypass', timeout_ms: 10000 },
      },
      // Quick retries: a job whose attempt a fault broke settles within seconds, not minutes.
      retry_config: {
        max_attempts: 5,
        initial_delay_secs: 1,
        backoff_multiplier: 1,
        max_delay_secs: 2,
        use_jitter: false,
      },
      timeout_secs: 60,
      metadata: { fault_key: key },
    });
    const submission = ledger.begin(key, body);
    const work = (async () => {
      const answer = await this.post(submission);
      if ('jobId' in answer) submission.jobId = answer.jobId;
      else submission.error = answer.error;
    })();
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
    return work;
  }

  /**
   * Resends every submission whose first answer was an error, once, with its Idempotency-Key, as
   * a careful client does after "try again shortly". Call it once the fault is over.
   */
  async resendRefused(parallel = 100): Promise<void> {
    const queue = this.options.ledger.refused.filter((s) => !s.jobId && !s.retried);
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        for (let s = queue.shift(); s; s = queue.shift()) {
          // Longer than the API's own wait for a reserved key (10 s), to see its answer, not our timeout.
          const answer = await this.post(s, 15000);
          if ('jobId' in answer) {
            s.jobId = answer.jobId;
            s.retried = answer.replayed ? 'replayed' : 'new';
          } else s.retried = answer.error;
        }
      }),
    );
  }

  private async post(
    submission: Submission,
    timeoutMs = this.options.timeoutMs ?? 10000,
  ): Promise<{ jobId: string; replayed: boolean } | { error: string }> {
    try {
      const res = await fetch(`${this.options.api()}/workers/jobs`, {
        method: 'POST',
        // The key makes a resend after an ambiguous error safe: the service answers the first job.
        headers: { 'content-type': 'application/json', 'idempotency-key': submission.key },
        body: submission.body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      if (res.status === 200) {
        const jobId = (JSON.parse(text) as { job_id?: string }).job_id;
        return jobId
          ? { jobId, replayed: res.headers.get('idempotent-replayed') === 'true' }
          : { error: '200 without job_id' };
      }
      let message = text.slice(0, 120);
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? message;
      } catch {
        /* not JSON: keep the raw start of the body */
      }
      return { error: `${res.status} ${message}` };
    } catch (error) {
      return { error: describeNetworkError(error) };
    }
  }
}

function describeNetworkError(error: unknown): string {
  const e = error as {
    name?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  if (e?.name === 'TimeoutError') return 'client timeout (no answer)';
  return `network: ${e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(error)}`;
}

/** Keeps the load running for `ms`. */
export const runFor = (ms: number) => sleep(ms);
