import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type Redis from 'ioredis';
import { closeRedis, createRedis, withRedisDeadline } from '@riptide/redis';
import { QUEUE_REDIS, RESOLVED_QUEUE_OPTIONS } from '../queue.constants';
import type { ResolvedQueueOptions } from '../queue-options.interface';
import { QueueKeys } from '../redis/queue-keys';
import { JobEventRecord, compareJobEventIds, parseJobEventRecord } from '../model/job-event-record';
import { assertEventId, canonicalEventId, isAfter } from './event-id.util';

/** Which of a tenant's events a follower wants. */
export type JobEventFilter = (event: JobEventRecord) => boolean;

/** Log entries read per XRANGE while catching up. */
const LOG_PAGE = 500;
/**
 * Live events a follower holds while it reads the log; beyond this it drops them and reads the
 * log again afterwards (they are all in the log), so a slow catch-up cannot grow without bound.
 */
const MAX_BUFFERED = 5000;

/**
 * Job events for readers (server-sent events, dashboards): the tenant logs in Redis and the live
 * channel every process publishes to, joined so that a reader misses nothing and sees nothing twice.
 *
 * One pub/sub connection per process, opened when the first follower comes and closed with the
 * module, carries every event; the feed hands each to the followers of its tenant whose filter
 * takes it. A follower subscribes before it reads the log, keeps the live events that arrive
 * meanwhile, and plays only those newer than the last logged one it delivered. After the
 * connection drops and comes back (events published meanwhile reached nobody), every follower
 * reads the log again from the last event it delivered.
 */
@Injectable()
export class JobEventFeed implements OnModuleDestroy {
  private readonly logger = new Logger(JobEventFeed.name);
  private readonly keys: QueueKeys;
  private subscriber?: Redis;
  private subscribed?: Promise<unknown>;
  private connectedBefore = false;
  private readonly followers = new Map<string, Set<JobEventFollower>>();

  constructor(
    @Inject(QUEUE_REDIS) private readonly redis: Redis,
    @Inject(RESOLVED_QUEUE_OPTIONS) private readonly options: ResolvedQueueOptions,
  ) {
    this.keys = new QueueKeys(options.prefix, options.queueName);
  }

  /**
   * The tenant's logged events after `afterId` (exclusive), oldest first, at most `limit`.
   * `afterId` must be an event id (InvalidEventIdError otherwise); `0-0` reads from the start.
   */
  async since(tenant: string, afterId: string, limit = LOG_PAGE): Promise<JobEventRecord[]> {
    return (await this.readLog(tenant, afterId, limit)).events;
  }

  /**
   * One page of the log after `afterId`: its events, and how many entries were read (an entry
   * that is not an event is skipped, so fewer events than `limit` does not mean the end).
   */
  async readLog(
    tenant: string,
    afterId: string,
    limit: number,
  ): Promise<{ events: JobEventRecord[]; entries: number; lastEntryId: string | null }> {
    assertEventId(afterId);
    const entries = await this.deadline(() =>
      this.redis.xrange(this.keys.eventLog(tenant), `(${afterId}`, '+', 'COUNT', limit),
    );
    const events = entries.flatMap(([id, fields]) => {
      const json = fieldOf(fields, 'e');
      const record = json === null ? null : parseJobEventRecord(json, id);
      return record ? [record] : [];
    });
    return { events, entries: entries.length, lastEntryId: entries.at(-1)?.[0] ?? null };
  }

  /** Id of the tenant's newest logged event, `0-0` when it has none. */
  async latestId(tenant: string): Promise<string> {
    const [newest] = await this.deadline(() =>
      this.redis.xrevrange(this.keys.eventLog(tenant), '+', '-', 'COUNT', 1),
    );
    return newest?.[0] ?? '0-0';
  }

  /**
   * A follower of the tenant's events that `filter` takes, already receiving live events (kept
   * until {@link JobEventFollower.start}). Close it when the reader goes.
   */
  async follow(tenant: string, filter: JobEventFilter = () => true): Promise<JobEventFollower> {
    const follower = new JobEventFollower(this, tenant, filter, (gone) => this.remove(gone));
    let set = this.followers.get(tenant);
    if (!set) this.followers.set(tenant, (set = new Set()));
    set.add(follower);
    try {
      await this.listening();
    } catch (error) {
      follower.close();
      throw error;
    }
    return follower;
  }

  /** Followers in this process, for limits and tests. */
  get followerCount(): number {
    let count = 0;
    for (const set of this.followers.values()) count += set.size;
    return count;
  }

  async onModuleDestroy(): Promise<void> {
    for (const set of [...this.followers.values()]) for (const follower of set) follower.close();
    if (this.subscriber) await closeRedis(this.subscriber);
    this.subscriber = undefined;
    this.subscribed = undefined;
  }

  /** Resolves once this process's subscription to the event channel is confirmed by Redis. */
  private listening(): Promise<unknown> {
    if (!this.subscriber) {
      // The queue's own deployment (standalone, Sentinel or Cluster) from its URL, as a duplicate
      // of the producer would be, but with the settings of a subscriber: SUBSCRIBE waits for the
      // connection instead of failing at once, and nothing gives up on a long outage.
      const subscriber = createRedis(this.options.redisUrl, 'blocking', 'riptide-job-events');
      subscriber.on('message', (channel: string, message: string) => {
        if (channel === this.keys.eventChannel) this.dispatch(message);
      });
      subscriber.on('ready', () => {
        if (this.connectedBefore) this.resubscribed();
        this.connectedBefore = true;
      });
      this.subscriber = subscriber;
    }
    const subscriber = this.subscriber;
    const subscribed = (this.subscribed ??= subscriber
      .subscribe(this.keys.eventChannel)
      .catch((error: unknown) => {
        this.subscribed = undefined;
        throw error;
      }));
    return withRedisDeadline(subscriber, this.options.commandTimeoutMs, () => subscribed);
  }

  /**
   * After a reconnect: once the channel is subscribed again (ioredis resubscribes by itself; the
   * reply to our own SUBSCRIBE, queued behind its, says it is done), every follower reads the log
   * from the last event it delivered, which brings what was published while the link was down.
   */
  private resubscribed(): void {
    const subscriber = this.subscriber;
    if (!subscriber) return;
    subscriber.subscribe(this.keys.eventChannel).then(
      () => {
        for (const set of this.followers.values()) for (const follower of set) follower.resync();
      },
      (error: Error) => this.logger.warn(`job events resubscription failed: ${error.message}`),
    );
  }

  private dispatch(message: string): void {
    const event = parseJobEventRecord(message);
    if (!event) return;
    const set = this.followers.get(event.tenant);
    if (!set) return;
    for (const follower of set) follower.offer(event);
  }

  private remove(follower: JobEventFollower): void {
    const set = this.followers.get(follower.tenant);
    if (!set) return;
    set.delete(follower);
    if (!set.size) this.followers.delete(follower.tenant);
  }

  private deadline<T>(operation: () => Promise<T>): Promise<T> {
    return withRedisDeadline(this.redis, this.options.commandTimeoutMs, operation);
  }
}

/**
 * One reader's view of a tenant's events. Made by {@link JobEventFeed.follow}, already listening;
 * {@link start} reads the log after a given id, then goes live. Events reach `deliver` in id order,
 * each once. A later failure to read the log (Redis away during a catch-up after a reconnect)
 * closes the follower and goes to the {@link onFailure} handler: the reader should end, and may
 * come back with the last id it got.
 */
export class JobEventFollower {
  private live = false;
  private closed = false;
  private buffer: JobEventRecord[] = [];
  private overflowed = false;
  private lastId = '0-0';
  private deliver: (event: JobEventRecord) => void = () => undefined;
  private onError: (error: Error) => void = () => undefined;
  private catchingUp = false;
  private catchUpAgain = false;

  constructor(
    private readonly feed: JobEventFeed,
    readonly tenant: string,
    private readonly filter: JobEventFilter,
    private readonly onClose: (follower: JobEventFollower) => void,
  ) {}

  /** The id of the last event delivered, or the one started after. */
  get lastEventId(): string {
    return this.lastId;
  }

  /**
   * Delivers the logged events after `afterId` that the filter takes, then the live ones newer
   * than the last of them. Resolves when the log is read and the follower is live.
   */
  async start(afterId: string, deliver: (event: JobEventRecord) => void): Promise<void> {
    assertEventId(afterId);
    this.lastId = canonicalEventId(afterId);
    this.deliver = deliver;
    await this.catchUp();
  }

  /** Where a later failure goes (a catch-up after a reconnect that could not read the log). */
  onFailure(handler: (error: Error) => void): void {
    this.onError = handler;
  }

  /** Called by the feed for each live event of the tenant. */
  offer(event: JobEventRecord): void {
    if (this.closed || !this.filter(event)) return;
    if (!this.live) {
      if (this.buffer.length < MAX_BUFFERED) this.buffer.push(event);
      else this.overflowed = true;
      return;
    }
    this.emit(event);
  }

  /** Reads the log again from the last delivered event (after a reconnect of the subscriber). */
  resync(): void {
    if (this.closed || (!this.live && !this.catchingUp)) return;
    if (this.catchingUp) {
      this.catchUpAgain = true;
      return;
    }
    this.catchUp().catch(() => undefined);
  }

  /** Stops delivery and leaves the feed. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.live = false;
    this.buffer = [];
    this.onClose(this);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private async catchUp(): Promise<void> {
    this.live = false;
    this.catchingUp = true;
    try {
      do {
        this.catchUpAgain = false;
        this.overflowed = false;
        await this.replayLog();
        if (this.closed) return;
        // Live events that the log already gave are skipped by id; the rest follow in order.
        const held = this.buffer;
        this.buffer = [];
        if (!this.overflowed && !this.catchUpAgain) {
          this.live = true;
          for (const event of held) this.emit(event);
        }
      } while (!this.live && !this.closed);
    } catch (error) {
      this.onError(error as Error);
      this.close();
      throw error;
    } finally {
      this.catchingUp = false;
    }
  }

  private async replayLog(): Promise<void> {
    for (;;) {
      const page = await this.feed.readLog(this.tenant, this.lastId, LOG_PAGE);
      for (const event of page.events) {
        if (this.closed) return;
        if (this.filter(event)) this.emit(event);
      }
      if (this.closed) return;
      // Past what the filter left out (and entries that are not events) too: never read twice.
      if (page.lastEntryId && compareJobEventIds(page.lastEntryId, this.lastId) > 0)
        this.lastId = page.lastEntryId;
      if (page.entries < LOG_PAGE) return;
    }
  }

  private emit(event: JobEventRecord): void {
    if (this.closed || !isAfter(event.id, this.lastId)) return;
    this.lastId = event.id;
    try {
      this.deliver(event);
    } catch (error) {
      this.onError(error as Error);
      this.close();
    }
  }
}

/** The value of `name` in a stream entry's flat [field, value, …] list. */
function fieldOf(fields: string[], name: string): string | null {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return null;
}
