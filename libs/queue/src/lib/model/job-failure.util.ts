import type { JsonValue } from './job.interface';

/** A job's last failure as stored: its message, and the code and data its error declared. */
export interface JobFailure {
  message: string;
  errorCode: string | null;
  data: JsonValue | null;
}

/**
 * Marks a stored failure that carries more than its message; plain text is the message itself.
 * The message is the first field after it: the event scripts read it from there without decoding
 * the data that follows (job-events.script.ts).
 */
export const STRUCTURED_FAILURE_PREFIX = '{"rt_failure":1,';

/**
 * The text stored as the job's `failedReason`: the message alone, unless the error declares an
 * `errorCode` or `data` (see JobFailureDetails), which are kept beside it as JSON.
 */
export function encodeJobFailure(error: Error): string {
  const { errorCode, data } = error as { errorCode?: unknown; data?: unknown };
  const code = typeof errorCode === 'string' ? errorCode : null;
  const kept = data === undefined ? null : (data as JsonValue);
  if (code === null && kept === null) return error.message;
  // `message` first: see STRUCTURED_FAILURE_PREFIX. Well-formed, so that every JSON decoder
  // reads it alike (Redis's cjson, which takes a webhook's error from it, refuses a lone surrogate).
  const message = wellFormed(error.message);
  return `${STRUCTURED_FAILURE_PREFIX}${JSON.stringify({ message, code, data: kept }).slice(1)}`;
}

/** `text` with each lone UTF-16 surrogate replaced by U+FFFD (String.prototype.toWellFormed). */
function wellFormed(text: string): string {
  return text.replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    '\uFFFD',
  );
}

/** The failure of a stored `failedReason` (plain text from older versions and plain errors too). */
export function decodeJobFailure(stored: string | null): JobFailure | null {
  if (!stored) return null;
  if (!stored.startsWith(STRUCTURED_FAILURE_PREFIX))
    return { message: stored, errorCode: null, data: null };
  try {
    const parsed = JSON.parse(stored) as { message?: unknown; code?: unknown; data?: JsonValue };
    return {
      message: typeof parsed.message === 'string' ? parsed.message : '',
      errorCode: typeof parsed.code === 'string' ? parsed.code : null,
      data: parsed.data ?? null,
    };
  } catch {
    return { message: stored, errorCode: null, data: null };
  }
}
