import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import type Bull from 'bull';
import { WebhookEventKind } from '@riptide/queue';
import { WebhookSecrets } from '../secrets/webhook-secrets.service';
import { ResolvedWebhooksOptions } from '../webhooks-options.interface';
import { RESOLVED_WEBHOOKS_OPTIONS } from '../webhooks.constants';
import { createDeliveryQueue } from './webhook-delivery-queue';
import { DeliveryJobData, DeliveryOutcome } from './webhook-delivery.interface';
import { WebhookDeliveries } from './webhook-deliveries.service';
import { WebhookSender } from './webhook-sender.service';

/** A failed attempt, for bull to retry (or dead-letter once the attempts are spent). */
class DeliveryAttemptFailedError extends Error {
  constructor(statusCode: number | null, errorCode: string | null) {
    super(`webhook delivery failed: ${statusCode ?? errorCode ?? 'unknown'}`);
    this.name = 'DeliveryAttemptFailedError';
  }
}

/**
 * Owns the delivery queue where deliveries are sent (`dispatch: true`): adds them (for the
 * dispatcher) with a deterministic id, sends each attempt signed with the tenant's current
 * secrets, records every attempt on the job, and lets bull retry with exponential backoff.
 */
@Injectable()
export class WebhookDeliveryWorker
  implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger('WebhookDeliveryWorker');
  private delivery?: ReturnType<typeof createDeliveryQueue>;

  constructor(
    @Inject(RESOLVED_WEBHOOKS_OPTIONS) private readonly options: ResolvedWebhooksOptions,
    private readonly secrets: WebhookSecrets,
    private readonly deliveries: WebhookDeliveries,
    private readonly sender: WebhookSender,
  ) {}

  onModuleInit(): void {
    if (!this.options.dispatch) return;
    this.delivery = createDeliveryQueue(this.options);
    this.delivery.queue.on('error', (error: Error) =>
      this.logger.warn(`delivery queue error: ${error.message}`),
    );
  }

  /**
   * Takes deliveries once the connection is up. bull names its blocking connection as it starts
   * (and rethrows, unhandled, when that request is cut off): the same request made again here
   * answers after bull's, so once it has, a shutdown can close every connection safely.
   */
  async onApplicationBootstrap(): Promise<void> {
    const delivery = this.delivery;
    if (!delivery) return;
    await delivery.queue.isReady();
    void delivery.queue
      .process(this.options.concurrency, (job) => this.attempt(job))
      .catch((error: unknown) =>
        this.logger.error(`delivery worker stopped: ${(error as Error)?.message ?? String(error)}`),
      );
    await (delivery.queue as unknown as { setWorkerName(): Promise<void> })
      .setWorkerName()
      .catch((error: unknown) =>
        this.logger.warn(
          `could not name the delivery worker's connection: ${(error as Error)?.message ?? String(error)}`,
        ),
      );
  }

  /**
   * Queues one delivery under `deliveryId`. bull adds nothing when a job with that id exists,
   * so adding the same event for the same target twice sends it once.
   */
  async add(deliveryId: string, data: DeliveryJobData): Promise<void> {
    if (!this.delivery) throw new Error('the webhook delivery queue runs only with dispatch: true');
    await this.delivery.queue.add(data, { jobId: deliveryId });
  }

  /** The bull queue of the deliveries (its failed set is the dead letter); null without dispatch. */
  get queue(): Bull.Queue<DeliveryJobData> | null {
    return this.delivery?.queue ?? null;
  }

  private async attempt(job: Bull.Job<DeliveryJobData>): Promise<void> {
    const data = job.data;
    const attempt = job.attemptsMade + 1;
    let secrets = await this.secrets.signingSecrets(data.tenant);
    if (!secrets.length) secrets = [(await this.secrets.ensure(data.tenant)).secret];
    const sent = await this.sender.send(data, secrets);
    const last = attempt >= (job.opts.attempts ?? 1) || sent.permanent;
    const outcome: DeliveryOutcome = sent.delivered
      ? 'delivered'
      : last
        ? 'dead_letter'
        : 'retrying';
    const recorded = this.deliveries.record(
      data.jobId,
      {
        eventId: data.eventId,
        event: data.event as WebhookEventKind,
        url: data.url,
        target: data.target,
        attempt,
        statusCode: sent.statusCode,
        errorCode: sent.errorCode,
        at: new Date(),
        outcome,
      },
      this.delivery?.client,
    );
    if (sent.delivered) {
      // Sent is sent: a record that cannot be written (Redis out of memory, say) must not turn
      // into a retry that delivers the event again.
      await recorded.catch((error: unknown) =>
        this.logger.warn(
          `delivery ${job.id} was delivered but its record could not be written: ${(error as Error)?.message ?? String(error)}`,
        ),
      );
      return;
    }
    await recorded;
    if (sent.permanent) await job.discard();
    throw new DeliveryAttemptFailedError(sent.statusCode, sent.errorCode);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.delivery?.close();
  }
}
