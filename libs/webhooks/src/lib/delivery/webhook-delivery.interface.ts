import type { EventJobType, WebhookEventKind } from '@riptide/queue';

/** How an attempt ended. */
export type DeliveryOutcome = 'delivered' | 'retrying' | 'dead_letter';

/** One attempt of one delivery, as kept in the job's delivery record. */
export interface DeliveryAttempt {
  eventId: string;
  event: WebhookEventKind;
  url: string;
  /** `job` (the job's own webhook) or a subscription id. */
  target: string;
  /** 1 for the first attempt. */
  attempt: number;
  /** The receiver's HTTP status; null when no answer came. */
  statusCode: number | null;
  /** Why the attempt failed (`http_status`, `redirect`, `timeout`, `connect`, `ssrf_blocked`, …); null when delivered. */
  errorCode: string | null;
  at: Date;
  outcome: DeliveryOutcome;
}

/** What one delivery job carries: everything needed to send it again, body bytes fixed. */
export interface DeliveryJobData {
  eventId: string;
  event: WebhookEventKind;
  jobId: string;
  tenant: string;
  target: string;
  url: string;
  /** The exact JSON sent on every attempt (the signature covers these bytes). */
  body: string;
}

/** The JSON a receiver gets. */
export interface WebhookPayload {
  id: string;
  type: `job.${WebhookEventKind}`;
  created_at: string;
  data: {
    job_id: string;
    /** As a submission's `job_type` names it: `{type}`, or `{type: custom, job_name}`. */
    job_type: EventJobType;
    status: string;
    progress?: unknown;
    error?: string | null;
  };
}
