import { JobWebhook, WebhookEventKind } from './job.interface';

/*
 * The webhook outbox as the event scripts write it (job-events.script.ts) and the webhook
 * dispatcher reads it. An entry holds the event and what the dispatcher needs to deliver it to
 * the job's own webhook without reading the job.
 */

/** Stream fields of an outbox entry. */
export const OUTBOX_FIELDS = {
  /** The event JSON with its id, as published on the event channel (JobEventRecord). */
  event: 'e',
  /**
   * The job's own webhook URL when it wants this event, "" when it has none or does not want it.
   * Absent from entries of older versions and of jobs they submitted: the dispatcher reads the job.
   */
  webhook: 'webhook',
  /**
   * For the kinds in WEBHOOK_ERROR_KINDS: the message of the failure that caused the event, as the
   * job's `lastError` read then, at most WEBHOOK_ERROR_MAX_BYTES. Absent when the job had none.
   */
  error: 'error',
} as const;

/** The events whose payload reports the job's error. */
export const WEBHOOK_ERROR_KINDS: readonly WebhookEventKind[] = [
  'failed',
  'retrying',
  'dead_letter',
];

/**
 * Longest error a webhook payload carries, in bytes of UTF-8: a handler's message has no bound of
 * its own, and a payload is sent, signed and retried as one body.
 */
export const WEBHOOK_ERROR_MAX_BYTES = 4096;

/**
 * The job hash's `rt_webhook`: the kinds its webhook wants, delimited on both sides
 * (`,completed,failed,`) so that the scripts test a kind with one plain substring search.
 */
export function webhookKindsField(webhook: Required<JobWebhook>): string {
  return `,${webhook.events.join(',')},`;
}

/**
 * `text` cut to at most WEBHOOK_ERROR_MAX_BYTES of UTF-8, never inside a character: the same cut
 * as the event scripts make (job-events.script.ts).
 */
export function boundWebhookError(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= WEBHOOK_ERROR_MAX_BYTES) return text;
  let cut = WEBHOOK_ERROR_MAX_BYTES;
  // Back off the continuation bytes (10xxxxxx) of the character the bound splits.
  while (cut > 0 && (bytes[cut] & 0xc0) === 0x80) cut--;
  return bytes.subarray(0, cut).toString('utf8');
}
