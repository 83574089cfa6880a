import type { JsonValue } from '../model/job.interface';

/**
 * What a job's failure may say beyond its message, decided by the code that raises it: a stable
 * `errorCode` (`dns`, `timeout`, `all_urls_failed`, …) and `data` kept on the failed job (a
 * batch's per-URL outcomes, say), readable in its result like a completed job's data.
 */
export interface JobFailureDetails {
  errorCode?: string;
  data?: JsonValue;
}
