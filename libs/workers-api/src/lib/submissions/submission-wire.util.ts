import { JobSubmission, QueueService, parsePriority } from '@riptide/queue';
import { ApiValidationPipe, withoutFaultyFields } from '../http/validation.pipe';
import { jobTypeFromWire, toWireName } from '../jobs/job-type.wire';
import { retryConfigFromWire } from '../jobs/retry-config.wire';
import { SubmitJobDto } from '../jobs/submit-job.dto';
import type { WebhookSubmission } from '../webhooks/webhook-submission.service';

/**
 * A validated submission body, wire → domain, for a tenant. `problems` are the wire-level ones
 * (an unknown job_type field, say); the queue validates the rest.
 */
export function submissionFromWire(
  body: SubmitJobDto,
  tenant: string,
): { submission: JobSubmission; problems: string[] } {
  const { jobType, problems } = jobTypeFromWire(body.job_type);
  const submission: JobSubmission = {
    tenant,
    jobType,
    priority: body.priority ? parsePriority(body.priority) : undefined,
    retryConfig: body.retry_config ? retryConfigFromWire(body.retry_config) : undefined,
    timeoutSecs: body.timeout_secs,
    scheduledAt: body.scheduled_at ? new Date(body.scheduled_at) : undefined,
    metadata: body.metadata as JobSubmission['metadata'],
    ...(body.webhook
      ? {
          webhook: {
            url: body.webhook.url,
            ...(body.webhook.events ? { events: body.webhook.events } : {}),
          },
        }
      : {}),
  };
  return { submission, problems };
}

/** A submission body read by {@link readSubmission}. */
export interface ReadSubmission {
  /** The body as its DTO (for idempotency), without the fields that had problems. */
  dto: SubmitJobDto;
  submission: JobSubmission;
  /** Every problem of the body; empty when only the queue's own check is left. */
  problems: string[];
}

/**
 * Reads a submission body with every problem in one answer: its shape (SubmitJobDto), the fields
 * of its job_type, and then, when either found something, the queue's rules for the rest, so a
 * bad priority no longer hides a missing URL. A body with neither is left to `QueueService.submit`,
 * which checks the rules itself and lists every problem, so the happy path validates once. With
 * `webhooks`, a webhook's target is checked too (a private address is refused; see WebhookSubmission).
 */
export async function readSubmission(
  pipe: ApiValidationPipe,
  queue: QueueService,
  body: unknown,
  tenant: string,
  webhooks?: WebhookSubmission,
): Promise<ReadSubmission> {
  const checked = await pipe.check(SubmitJobDto, body);
  const { submission, problems: wire } = submissionFromWire(checked.value, tenant);
  const target =
    webhooks && !checked.faulty.has('webhook.url') && !checked.faulty.has('webhook')
      ? await webhooks.problems(submission)
      : [];
  const found = [...checked.problems, ...withoutFaultyFields(wire, checked.faulty), ...target];
  if (!found.length) return { dto: checked.value, submission, problems: [] };
  const rules = withoutFaultyFields(queue.validate(submission, toWireName), checked.faulty);
  return { dto: checked.value, submission, problems: [...new Set([...found, ...rules])] };
}
