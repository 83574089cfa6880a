/** Injection token of the resolved options (defaults applied). */
export const RESOLVED_QUEUE_OPTIONS = 'RIPTIDE_QUEUE:RESOLVED_OPTIONS';
/** Injection token of the scripted Redis client the producer uses. */
export const QUEUE_REDIS = 'RIPTIDE_QUEUE:REDIS';
/** The bull queue's name; also its @nestjs/bull token name (`@InjectQueue(RIPTIDE_QUEUE_NAME)`). */
export const RIPTIDE_QUEUE_NAME = 'jobs';
/** Metadata key of @JobHandler. */
export const JOB_HANDLER_METADATA = 'RIPTIDE_QUEUE:JOB_HANDLER';
/** Bull backoff strategy name that implements the SPEC retry formula. */
export const RIPTIDE_BACKOFF = 'riptide';
/**
 * About how many events each tenant's event log keeps (Redis trims a capped stream in whole
 * nodes, so a little more): the window in which a reconnecting client can resume without a gap.
 */
export const EVENT_LOG_LENGTH = 10_000;
