import {
  JobEventRecord,
  OUTBOX_FIELDS,
  WEBHOOK_ERROR_KINDS,
  WEBHOOK_EVENT_KINDS,
  WebhookEventKind,
  eventJobType,
  parseJobEventRecord,
} from '@riptide/queue';
import { WebhookPayload } from '../delivery/webhook-delivery.interface';

/** An outbox event that webhooks may be told about. */
export type OutboxEvent = JobEventRecord & { event: WebhookEventKind };

/**
 * One outbox entry: the event and what the queue's scripts wrote beside it. `undefined` means
 * the entry does not say (an older version wrote it, or the job was submitted by one): the
 * dispatcher then reads the job.
 */
export interface OutboxEntry {
  event: OutboxEvent;
  /** The job's own webhook URL when it wants this event; null when it has none or does not want it. */
  ownWebhookUrl?: string | null;
  /**
   * The error the payload reports (only for WEBHOOK_ERROR_KINDS): the message of the failure that
   * caused the event, as the job's last error was then; null when there was none.
   */
  error?: string | null;
}

/**
 * Reads an outbox entry's `e` field; null for anything webhooks do not deliver (a `pending` or
 * `processing` event, which earlier versions queued) or that does not parse, which the dispatcher
 * then just acknowledges.
 */
export function parseOutboxEvent(raw: string | undefined): OutboxEvent | null {
  const record = raw === undefined ? null : parseJobEventRecord(raw);
  if (!record || !WEBHOOK_EVENT_KINDS.includes(record.event as WebhookEventKind)) return null;
  return record as OutboxEvent;
}

/** Reads an outbox entry's fields (a flat list, as XREADGROUP gives them); null as parseOutboxEvent. */
export function parseOutboxEntry(fields: string[]): OutboxEntry | null {
  const values = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) values.set(fields[i], fields[i + 1]);
  const event = parseOutboxEvent(values.get(OUTBOX_FIELDS.event));
  if (!event) return null;
  const entry: OutboxEntry = { event };
  const webhook = values.get(OUTBOX_FIELDS.webhook);
  if (webhook !== undefined) entry.ownWebhookUrl = webhook || null;
  if (carriesError(event)) {
    const error = values.get(OUTBOX_FIELDS.error);
    // A script that writes the URL field writes the error whenever the job has one.
    if (error !== undefined) entry.error = error;
    else if (webhook !== undefined) entry.error = null;
  }
  return entry;
}

/** Whether the event's payload reports the job's error. */
export function carriesError(event: OutboxEvent): boolean {
  return WEBHOOK_ERROR_KINDS.includes(event.event);
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
      ...(carriesError(event) ? { error } : {}),
    },
  };
}
