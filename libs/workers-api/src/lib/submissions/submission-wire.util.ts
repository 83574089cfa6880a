import { JobSubmission, parsePriority } from '@riptide/queue';
import { jobTypeFromWire } from '../jobs/job-type.wire';
import { retryConfigFromWire } from '../jobs/retry-config.wire';
import type { SubmitJobDto } from '../jobs/submit-job.dto';

/**
 * A validated submission body, wire → domain, for a tenant. `problems` are the wire-level ones
 * (an unknown job_type field, say); the queue validates the rest.
 */
export function submissionFromWire(body: SubmitJobDto, tenant: string): { submission: JobSubmission; problems: string[] } {
  const { jobType, problems } = jobTypeFromWire(body.job_type);
  const submission: JobSubmission = {
    tenant,
    jobType,
    priority: body.priority ? parsePriority(body.priority) : undefined,
    retryConfig: body.retry_config ? retryConfigFromWire(body.retry_config) : undefined,
    timeoutSecs: body.timeout_secs,
    scheduledAt: body.scheduled_at ? new Date(body.scheduled_at) : undefined,
    metadata: body.metadata as JobSubmission['metadata'],
  };
  return { submission, problems };
}
