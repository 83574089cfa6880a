/** What the dashboard shows instead of a value it must not reveal. */
export const REDACTED = '[redacted]';

type UnknownRecord = Record<string, unknown>;

const isRecord = (value: unknown): value is UnknownRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A job's bull data (`{ searchText, record }`, see StoredJobData in @riptide/queue) with the
 * base64 PDF of a `pdf_extraction` job replaced: it can be megabytes of a caller's document,
 * which the dashboard has no reason to ship to a browser. Anything else passes unchanged, and
 * the stored job is never touched (this returns a copy).
 */
export function redactJobData(data: unknown): unknown {
  if (!isRecord(data) || !isRecord(data['record'])) return data;
  const record = data['record'];
  const jobType = record['jobType'];
  if (!isRecord(jobType) || !('pdfData' in jobType)) return data;
  return { ...data, record: { ...record, jobType: { ...jobType, pdfData: REDACTED } } };
}

// The small bookkeeping fields of a StoredResult (@riptide/queue) that are safe and useful to show.
const RESULT_SUMMARY_FIELDS = ['processingTimeMs', 'workerId', 'completedAt', 'external'] as const;

/**
 * A job's bull returnvalue (StoredResult: `{ data?, external?, processingTimeMs, workerId,
 * completedAt }`) reduced to its summary: the result body (crawled pages, extracted PDF text)
 * belongs to whoever submitted the job, so `data` becomes a placeholder. Any other field is
 * dropped and a value that is not an object is replaced whole, as neither can be judged safe.
 */
export function redactJobResult(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (!isRecord(value)) return REDACTED;
  const summary: UnknownRecord = {};
  for (const field of RESULT_SUMMARY_FIELDS) if (field in value) summary[field] = value[field];
  if ('data' in value) summary['data'] = REDACTED;
  return summary;
}
