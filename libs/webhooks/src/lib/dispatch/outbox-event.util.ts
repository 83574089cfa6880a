import { WEBHOOK_EVENT_KINDS, WebhookEventKind } from '@riptide/queue';
import { WebhookPayload } from '../delivery/webhook-delivery.interface';

/** An outbox event that webhooks may be told about. */
export interface OutboxEvent {
  id: string;
  job: string;
  tenant: string;
  /** The bull job name: the job type, or `custom:<name>` (the wire form of job_type filters). */
  name: string;
  status: string;
  event: WebhookEventKind;
  at: number;
  progress?: unknown;
}

/**
 * Reads an outbox entry's `e` field; null for anything webhooks do not deliver (a `pending` or
 * `processing` event) or that does not parse, which the dispatcher then just acknowledges.
 */
export function parseOutboxEvent(raw: string | undefined): OutboxEvent | null {
  if (!raw) return null;
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const { id, job, tenant, name, status, event, at } = value;
  if (
    typeof id !== 'string' ||
    typeof job !== 'string' ||
    typeof tenant !== 'string' ||
    typeof name !== 'string' ||
    typeof status !== 'string' ||
    typeof at !== 'number' ||
    !WEBHOOK_EVENT_KINDS.includes(event as WebhookEventKind)
  )
    return null;
  return {
    id,
    job,
    tenant,
    name,
    status,
    event: event as WebhookEventKind,
    at,
    ...(event === 'progress' ? { progress: value['progress'] ?? null } : {}),
  };
}

/** The body every target of an event gets. */
export function buildPayload(event: OutboxEvent, error: string | null): WebhookPayload {
  return {
    id: event.id,
    type: `job.${event.event}`,
    created_at: new Date(event.at).toISOString(),
    data: {
      job_id: event.job,
      job_type: event.name,
      status: event.status,
      ...(event.event === 'progress' ? { progress: event.progress } : {}),
      ...(event.event === 'failed' || event.event === 'dead_letter' || event.event === 'retrying'
        ? { error }
        : {}),
    },
  };
}
