import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type Redis from 'ioredis';
import {
  JobNotFoundError,
  QueueService,
  RIPTIDE_QUEUE_NAME,
  boundWebhookError,
} from '@riptide/queue';
import { createRedis, withRedisDeadline } from '@riptide/redis';
import { WebhookDeliveryWorker } from '../delivery/webhook-delivery-worker.service';
import { WebhookKeys } from '../redis/webhook-keys';
import { WebhookSubscription } from '../subscriptions/webhook-subscription.interface';
import { WebhookSubscriptions } from '../subscriptions/webhook-subscriptions.service';
import { ResolvedWebhooksOptions } from '../webhooks-options.interface';
import { RESOLVED_WEBHOOKS_OPTIONS, WEBHOOKS_REDIS } from '../webhooks.constants';
import { retireConsumer } from './outbox-consumer.util';
import {
  OutboxEntry,
  OutboxEvent,
  buildPayload,
  carriesError,
  parseOutboxEntry,
} from './outbox-event.util';

/** The consumer group every dispatcher of the queue reads the outbox in. */
export const OUTBOX_GROUP = 'webhooks';
/** Entries read (or taken over) per call. */
const BATCH = 50;

type StreamEntry = [id: string, fields: string[]];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A delivery's id: the same for the same event and target whatever dispatches it (so adding it
 * twice sends it once), distinct across tenants, whose event logs hand out the same ids.
 */
export function deliveryIdOf(event: OutboxEvent, target: string): string {
  return `${event.tenant}:${event.id}:${target}`;
}

/** `load` called at most once per key; every caller of a key shares its promise. */
function memoise<T>(load: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const loaded = new Map<string, Promise<T>>();
  return (key) => {
    let value = loaded.get(key);
    if (!value) loaded.set(key, (value = load(key)));
    return value;
  };
}

/**
 * Turns the job events of the outbox stream into deliveries (`dispatch: true`). Every
 * dispatcher of the queue reads in one consumer group, so each entry goes to one of them;
 * entries a dead dispatcher held longer than `claimIdleMs` are taken over (XAUTOCLAIM). For each
 * event: the targets (the job's own webhook, whose URL the entry carries, and the tenant's
 * matching subscriptions), one delivery each under the id `<tenant>:<event id>:<target>`, then
 * XACK and XDEL. A crash between the add and the XACK hands the entry to another dispatcher, whose
 * adds find the deliveries already there: no event reaches a target twice.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WebhookDispatcher');
  private readonly keys: WebhookKeys;
  private reader?: Redis;
  private running?: Promise<void>;
  private stopping = false;
  private lastClaimAt = 0;

  constructor(
    @Inject(RESOLVED_WEBHOOKS_OPTIONS) private readonly options: ResolvedWebhooksOptions,
    @Inject(WEBHOOKS_REDIS) private readonly redis: Redis,
    private readonly queue: QueueService,
    private readonly subscriptions: WebhookSubscriptions,
    private readonly worker: WebhookDeliveryWorker,
  ) {
    this.keys = new WebhookKeys(options.prefix, RIPTIDE_QUEUE_NAME);
  }

  onApplicationBootstrap(): void {
    if (!this.options.dispatch) return;
    this.reader = createRedis(this.options.redisUrl, 'blocking', 'riptide-webhooks-outbox');
    this.running = this.loop(this.reader);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    // Dropping the connection ends a blocked XREADGROUP at once; an entry being handled stays
    // pending and is taken over by another dispatcher (its deliveries, if added, are not re-sent).
    this.reader?.disconnect();
    await this.running;
    if (this.reader) await this.leaveGroup();
  }

  /**
   * Every start names a new consumer in the group: one that leaves holding nothing is deleted,
   * so the group does not keep one per restart. One that holds entries (a batch the shutdown cut
   * off) stays, for another dispatcher to take them over. Never fails a shutdown.
   */
  private async leaveGroup(): Promise<void> {
    try {
      const outcome = await withRedisDeadline(this.redis, this.options.commandTimeoutMs, () =>
        retireConsumer(this.redis, this.keys.eventOutbox, OUTBOX_GROUP, this.options.consumerName),
      );
      if (outcome === 'holding')
        this.logger.log(
          `outbox consumer ${this.options.consumerName} left entries pending; another dispatcher takes them over`,
        );
    } catch (error) {
      this.logger.warn(
        `could not remove outbox consumer ${this.options.consumerName}: ${(error as Error)?.message ?? String(error)}`,
      );
    }
  }

  private async loop(reader: Redis): Promise<void> {
    while (!this.stopping) {
      try {
        await this.ensureGroup(reader);
        if (Date.now() - this.lastClaimAt >= Math.min(this.options.claimIdleMs, 5000)) {
          this.lastClaimAt = Date.now();
          await this.handle(reader, await this.claimAbandoned(reader));
        }
        const reply = (await reader.xreadgroup(
          'GROUP',
          OUTBOX_GROUP,
          this.options.consumerName,
          'COUNT',
          BATCH,
          'BLOCK',
          this.options.blockMs,
          'STREAMS',
          this.keys.eventOutbox,
          '>',
        )) as [string, StreamEntry[]][] | null;
        if (reply) await this.handle(reader, reply[0][1]);
      } catch (error) {
        if (this.stopping) break;
        // The group may have gone with the stream (a flushed or replaced Redis): make it again.
        this.groupReady = false;
        this.logger.warn(
          `webhook dispatch paused: ${(error as Error)?.message ?? String(error)}; retrying`,
        );
        await sleep(1000);
      }
    }
  }

  private groupReady = false;

  private async ensureGroup(reader: Redis): Promise<void> {
    if (this.groupReady) return;
    try {
      await reader.xgroup('CREATE', this.keys.eventOutbox, OUTBOX_GROUP, '0', 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error)?.message).includes('BUSYGROUP')) throw error;
    }
    this.groupReady = true;
  }

  /** Entries another dispatcher read but never acknowledged within claimIdleMs. */
  private async claimAbandoned(reader: Redis): Promise<StreamEntry[]> {
    const claimed: StreamEntry[] = [];
    let cursor = '0-0';
    do {
      const reply = (await reader.xautoclaim(
        this.keys.eventOutbox,
        OUTBOX_GROUP,
        this.options.consumerName,
        this.options.claimIdleMs,
        cursor,
        'COUNT',
        BATCH,
      )) as [string, (StreamEntry | null)[]];
      cursor = reply[0];
      // Entries deleted meanwhile come back as nil.
      claimed.push(...reply[1].filter((entry): entry is StreamEntry => entry !== null));
    } while (cursor !== '0-0' && !this.stopping);
    return claimed;
  }

  /**
   * Dispatches a batch's events concurrently (each waits on a few Redis round trips; one at a
   * time, a burst of events queued behind them for seconds), reading each tenant's subscriptions
   * once per batch, then acknowledges the entries that were dispatched, in one step. An entry
   * whose dispatch failed stays pending, to be taken over after claimIdleMs.
   */
  private async handle(reader: Redis, entries: StreamEntry[]): Promise<void> {
    if (!entries.length) return;
    const subscriptionsOf = memoise((tenant: string) => this.subscriptions.list(tenant));
    const outcomes = await Promise.allSettled(
      entries.map(async ([, fields]) => {
        const entry = parseOutboxEntry(fields);
        if (entry) await this.dispatch(entry, subscriptionsOf);
      }),
    );
    const done = entries.filter((_, i) => outcomes[i].status === 'fulfilled').map(([id]) => id);
    if (done.length)
      await reader
        .multi()
        .xack(this.keys.eventOutbox, OUTBOX_GROUP, ...done)
        .xdel(this.keys.eventOutbox, ...done)
        .exec();
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** Queues one delivery per target of the entry's event. */
  async dispatch(
    entry: OutboxEntry,
    subscriptionsOf: (tenant: string) => Promise<WebhookSubscription[]> = (tenant) =>
      this.subscriptions.list(tenant),
  ): Promise<number> {
    const { event } = entry;
    const { ownWebhookUrl, error } = await this.completeFromJob(entry);
    const targets: { id: string; url: string }[] = [];
    if (ownWebhookUrl) targets.push({ id: 'job', url: ownWebhookUrl });
    for (const subscription of await subscriptionsOf(event.tenant)) {
      if (!subscription.events.includes(event.event)) continue;
      if (subscription.jobTypes && !subscription.jobTypes.includes(event.name)) continue;
      targets.push({ id: subscription.id, url: subscription.url });
    }
    if (!targets.length) return 0;
    const body = JSON.stringify(buildPayload(event, error));
    for (const target of targets)
      await this.worker.add(deliveryIdOf(event, target.id), {
        eventId: event.id,
        event: event.event,
        jobId: event.job,
        tenant: event.tenant,
        target: target.id,
        url: target.url,
        body,
      });
    return targets.length;
  }

  /**
   * The job's own webhook URL (when it wants the event) and the error the payload reports, as
   * the entry carries them. An entry that does not (written by an older version, or for a job one
   * submitted) has them read from the job: compact, never a PDF job's document.
   */
  private async completeFromJob(
    entry: OutboxEntry,
  ): Promise<{ ownWebhookUrl: string | null; error: string | null }> {
    const { event, ownWebhookUrl, error } = entry;
    const errorKnown = error !== undefined || !carriesError(event);
    if (ownWebhookUrl !== undefined && errorKnown) return { ownWebhookUrl, error: error ?? null };
    const view = await this.queue
      // The event's tenant only: a job id reused by another tenant since is not this job.
      .getJob(event.job, { tenant: event.tenant }, { compact: true })
      .catch((failure: unknown) => {
        if (failure instanceof JobNotFoundError) return null;
        throw failure;
      });
    const own = view?.webhook;
    return {
      ownWebhookUrl:
        ownWebhookUrl !== undefined
          ? ownWebhookUrl
          : own && own.events.includes(event.event)
            ? own.url
            : null,
      error:
        error !== undefined ? error : view?.lastError ? boundWebhookError(view.lastError) : null,
    };
  }
}
