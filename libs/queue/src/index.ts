export { QueueModule } from './lib/queue.module';
export { QUEUE_ASYNC_OPTIONS_TYPE, QUEUE_OPTIONS_TYPE } from './lib/queue.module-definition';
export type {
  QueueModuleOptions,
  ResolvedQueueOptions,
  WorkerOptions,
} from './lib/queue-options.interface';
export {
  EVENT_LOG_LENGTH,
  QUEUE_REDIS,
  RESOLVED_QUEUE_OPTIONS,
  RIPTIDE_QUEUE_NAME,
} from './lib/queue.constants';
export { QueueService, DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT } from './lib/queue.service';
export type {
  JobReadOptions,
  SubmittedJob,
  SubmitOptions,
  BulkSubmitOptions,
  BulkItemOutcome,
} from './lib/queue.service';
export { JobEvents } from './lib/job-events.service';
export type { JobEvent } from './lib/job-events.service';
export { JobEventFeed, JobEventFollower } from './lib/events/job-event-feed.service';
export type { JobEventFilter } from './lib/events/job-event-feed.service';
export { assertEventId } from './lib/events/event-id.util';
export { InvalidEventIdError } from './lib/errors/invalid-event-id.error';
export { QueueKeys } from './lib/redis/queue-keys';
export {
  JOB_EVENT_KINDS,
  compareJobEventIds,
  eventJobType,
  isJobEventId,
  parseJobEventRecord,
} from './lib/model/job-event-record';
export type { EventJobType, JobEventKind, JobEventRecord } from './lib/model/job-event-record';
export {
  OUTBOX_FIELDS,
  WEBHOOK_ERROR_KINDS,
  WEBHOOK_ERROR_MAX_BYTES,
  boundWebhookError,
} from './lib/model/webhook-outbox.util';
export { ClusterHashTagError } from './lib/errors/cluster-hash-tag.error';
export * from './lib/model/job.interface';
export {
  CEILING_SETTINGS,
  DEFAULT_JOB_LIMITS,
  DEFAULT_TIMEOUT_SECS,
} from './lib/model/job-limits.interface';
export type { JobLimits } from './lib/model/job-limits.interface';
export {
  DEFAULT_RETRY_CONFIG,
  RETRY_LATER_MAX_MS,
  mergeRetryConfig,
  retryDelayAfterMs,
  retryDelayMs,
} from './lib/model/retry-policy.util';
export { parsePriority } from './lib/model/job-priority.util';
export { parseStatus } from './lib/model/job-status.util';
export {
  validateJobSubmission,
  describeUrlProblem,
  JOB_NAME_PATTERN,
} from './lib/model/job-validation.util';
export {
  DEFAULT_TENANT,
  TENANT_PATTERN,
  isValidTenant,
  inTenantScope,
} from './lib/model/tenant.util';
export type { TenantScope } from './lib/model/tenant.util';
export type { FieldNamer } from './lib/model/job-validation.util';
export { JobValidationError } from './lib/errors/job-validation.error';
export { JobNotFoundError } from './lib/errors/job-not-found.error';
export { JobStateConflictError } from './lib/errors/job-state-conflict.error';
export { TenantQuotaError } from './lib/errors/tenant-quota.error';
export { JobResultUnavailableError } from './lib/errors/job-result-unavailable.error';
export { NonRetryableJobError } from './lib/errors/non-retryable-job.error';
export { RetryLaterError } from './lib/errors/retry-later.error';
export { RetryableJobError } from './lib/errors/retryable-job.error';
export type { JobFailureDetails } from './lib/errors/job-failure-details.interface';
export { JobTimeoutError } from './lib/errors/job-timeout.error';
export { JobCancelledError } from './lib/errors/job-cancelled.error';
export { HandlerRegistryError } from './lib/errors/handler-registry.error';
export { JobHandlerMissingError } from './lib/errors/job-handler-missing.error';
export { WorkerShutdownError } from './lib/errors/worker-shutdown.error';
export { JobHandler, CustomJobHandler } from './lib/worker/job-handler.decorator';
export type {
  JobContext,
  JobTypeHandler,
  CustomJobHandlerFn,
  HandledJobTypeName,
  JobHandlerTarget,
} from './lib/worker/job-handler.interface';
export { JobHandlerRegistry } from './lib/worker/job-handler-registry.service';
export { HandledJobTypes } from './lib/worker/handled-job-types.service';
export { WorkerRuntime } from './lib/worker/worker-runtime.service';
export type { WorkerProcessStats } from './lib/worker/worker-runtime.service';
