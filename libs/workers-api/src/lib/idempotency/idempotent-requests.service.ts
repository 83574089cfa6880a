import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  Optional,
  UnprocessableEntityException,
} from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import {
  DEFAULT_WORKERS_API_OPTIONS,
  WORKERS_API_OPTIONS,
  WorkersApiOptions,
} from '../workers-api-options.interface';
import { canonicalJson } from './canonical-json.util';
import { IdempotencyStore, PendingIdempotencyRecord } from './idempotency.store';
import type { ReplyHeaders } from '../http/reply-headers.interface';

/** SPEC §6: 1–255 printable ASCII characters. */
const KEY_PATTERN = /^[\x20-\x7e]{1,255}$/;
const POLL_MS = 25;
/** A reservation outlives any request (Fastify's request timeout is 30 s), then lapses if its owner died. */
const PENDING_TTL_MS = 60_000;
/** How often the request holding a key renews its reservation while it runs. */
const HOLDER_BEAT_MS = 1000;
/** A reservation not renewed for this long has no live holder: a waiter takes it over. */
const HOLDER_STALE_MS = 3 * HOLDER_BEAT_MS;

/** The request an Idempotency-Key guards. */
export interface IdempotentRequest {
  tenant: string;
  /** The header's value; undefined = no key, the request simply runs. */
  key: string | undefined;
  /** What the key is for (`POST /workers/jobs`): the same key on another route is another request. */
  route: string;
  body: unknown;
}

/**
 * Idempotency-Key handling for submissions (SPEC §6). Of concurrent identical requests one runs;
 * the others wait for its answer and get the same one, marked `Idempotent-Replayed: true`.
 * The ids of what a keyed request creates derive from the tenant, key and body, so a retry after a
 * crash (its reservation lapsed) submits the same ids, which the queue and scheduler take as the
 * existing job or schedule rather than a second one. Failed requests keep no record: a retry runs again.
 *
 * The request holding a key renews its reservation every second while it runs. A waiter that sees
 * a reservation go unrenewed for 3 s takes it over and runs itself: its holder stopped without
 * giving the key up (a crash, or Redis refusing every write while its disk is full, which refuses
 * the release too), and the derived ids make the new run create what the old one would have. A
 * waiter on a live holder answers 409 after `idempotencyWaitMs`, as before.
 */
@Injectable()
export class IdempotentRequests {
  private readonly options: Required<WorkersApiOptions>;

  constructor(
    private readonly store: IdempotencyStore,
    @Optional() @Inject(WORKERS_API_OPTIONS) options?: WorkersApiOptions,
  ) {
    this.options = { ...DEFAULT_WORKERS_API_OPTIONS, ...options };
  }

  /**
   * Runs `execute` once per key. `idFor(n)` gives the n-th id the request may create: derived from
   * the key when there is one, random otherwise.
   */
  async run<T>(
    request: IdempotentRequest,
    reply: ReplyHeaders,
    execute: (idFor: (n: number) => string) => Promise<T>,
  ): Promise<T> {
    if (request.key === undefined) return execute(() => randomUUID());
    if (!KEY_PATTERN.test(request.key))
      throw new BadRequestException('Idempotency-Key must be 1-255 printable ASCII characters');
    const fingerprint = sha256(`${request.route}\n${canonicalJson(request.body)}`);
    const recordKey = this.store.recordKey(request.tenant, sha256(request.key));
    const pending: PendingIdempotencyRecord = {
      state: 'pending',
      fingerprint,
      owner: randomUUID(),
    };
    const giveUpAt = Date.now() + this.options.idempotencyWaitMs;
    // The reservation as last seen (holder and beat), since when it has not changed, and whether
    // it has gone stale: then it is taken over on the next turn, unless it changes meanwhile.
    let seen = '';
    let seenSince = 0;
    let stale: PendingIdempotencyRecord | undefined;
    for (;;) {
      const claim = stale
        ? this.store.takeOver(recordKey, stale, pending, PENDING_TTL_MS)
        : this.store.reserve(recordKey, pending, PENDING_TTL_MS);
      const found = await claim.catch((error: unknown) => {
        // The reservation may still land after this request gave up (a stalled Redis runs the
        // command once it wakes): a release sent now runs right behind it on the same connection,
        // so a retry with this key is not told "still being processed" for a minute.
        void this.store.release(recordKey, pending.owner).catch(() => undefined);
        throw error;
      });
      if (!found) return this.runReserved(request, recordKey, pending, execute);
      if (found.fingerprint !== fingerprint)
        throw new UnprocessableEntityException(
          'This Idempotency-Key was already used with a different request; use a new key for a new request',
        );
      if (found.state === 'done') {
        reply.header('Idempotent-Replayed', 'true');
        return found.body as T;
      }
      const now = Date.now();
      const state = `${found.owner}/${found.beat ?? ''}`;
      if (state !== seen) [seen, seenSince] = [state, now];
      stale = now - seenSince >= HOLDER_STALE_MS ? found : undefined;
      if (!stale && now > giveUpAt)
        throw new ConflictException(
          'A request with this Idempotency-Key is still being processed; retry shortly',
        );
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }

  private async runReserved<T>(
    request: IdempotentRequest,
    recordKey: string,
    pending: PendingIdempotencyRecord,
    execute: (idFor: (n: number) => string) => Promise<T>,
  ): Promise<T> {
    const seed = `${request.tenant}\n${request.key}\n${pending.fingerprint}`;
    let beat = 0;
    const renewal = setInterval(() => {
      void this.store
        .beat(recordKey, { ...pending, beat: ++beat }, PENDING_TTL_MS)
        .catch(() => undefined);
    }, HOLDER_BEAT_MS);
    renewal.unref();
    let body: T;
    try {
      body = await execute((n) => uuidFrom(`${seed}\n${n}`));
    } catch (error) {
      await this.store.release(recordKey, pending.owner).catch(() => undefined);
      throw error;
    } finally {
      clearInterval(renewal);
    }
    try {
      await this.store.complete(
        recordKey,
        { state: 'done', fingerprint: pending.fingerprint, body },
        this.options.idempotencyTtlSecs,
      );
    } catch {
      // What the request did is done and its answer is true; only its record for replays is
      // missing. Without the reservation, a retry runs again with the same derived ids and finds
      // the same job or schedule, so it gets the same answer.
      await this.store.release(recordKey, pending.owner).catch(() => undefined);
    }
    return body;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A version-4-shaped UUID from a hash: the same seed always gives the same id. */
function uuidFrom(seed: string): string {
  const bytes = createHash('sha256').update(seed).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
