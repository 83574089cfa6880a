import {
  JobEventRecord,
  WEBHOOK_EVENT_KINDS,
  WebhookEventKind,
  eventJobType,
  parseJobEventRecord,
} from '@riptide/queue';
import { WebhookPayload } from '../delivery/webhook-delivery.interface';

/** An outbox event that webhooks may be told about. */
export type OutboxEvent = JobEventRecord & { event: WebhookEventKind };

/**
 * Reads an outbox entry's `e` field; null for anything webhooks do not deliver (a `pending` or
 * `processing` event) or that does not parse, which the dispatcher then just acknowledges.
 */
export function parseOutboxEvent(raw: string | undefined): OutboxEvent | null {
  const record = raw === undefined ? null : parseJobEventRecord(raw);
  if (!record || !WEBHOOK_EVENT_KINDS.includes(record.event as WebhookEventKind)) return null;
  return record as OutboxEvent;
}

/** The body every target of an event gets. */
export function buildPayload(event: OutboxEvent, error: string | null): WebhookPayload {
  return {
    id: event.id,
    type: `job.${event.event}`,
    created_at: new Date(event.at).toISOString(),
    data: {
      job_id: event.job,
      job_type: eventJobType(event.name),
      status: event.status,
      ...(event.event === 'progress' ? { progress: event.progress ?? null } : {}),
      ...(event.event === 'failed' || event.event === 'dead_letter' || event.event === 'retrying'
        ? { error }
        : {}),
    },
  };
}
