import {
  CrawlOptions,
  JOB_TYPE_NAMES,
  JobType,
  JsonObject,
  JsonValue,
  PdfExtractionOptions,
} from '@riptide/queue';

/*
 * The wire shape of `job_type` (snake_case, as in the seed) and its mapping to the domain
 * JobType. Unknown properties are refused; browser-only crawl options are accepted and reported
 * as ignored (this service does not render pages).
 */

type Wire = Record<string, unknown>;

const CRAWL_OPTION_FIELDS: Record<string, keyof CrawlOptions> = {
  cache_mode: 'cacheMode',
  concurrency: 'concurrency',
  output_format: 'outputFormat',
  respect_robots: 'respectRobots',
  timeout_ms: 'timeoutMs',
  max_bytes: 'maxBytes',
};
/** Seed CrawlOptions fields that need a headless browser. */
export const BROWSER_ONLY_CRAWL_OPTIONS = [
  'render_mode',
  'scroll_steps',
  'wait_for',
  'wait_for_selector',
  'screenshot',
  'javascript',
  'stealth_mode',
  'viewport',
  'dynamic_wait',
] as const;
const PDF_OPTION_FIELDS: Record<string, keyof PdfExtractionOptions> = {
  max_pages: 'maxPages',
  max_bytes: 'maxBytes',
  timeout_ms: 'timeoutMs',
};
const JOB_TYPE_FIELDS: Record<string, Record<string, string>> = {
  batch_crawl: { urls: 'urls', options: 'options' },
  single_crawl: { url: 'url', options: 'options' },
  pdf_extraction: { url: 'url', pdf_data: 'pdfData', options: 'options' },
  maintenance: { task_type: 'taskType', parameters: 'parameters' },
  custom: { job_name: 'jobName', payload: 'payload' },
};

const isObject = (v: unknown): v is Wire =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** camelCase path → the wire's snake_case (`jobType.pdfData` → `job_type.pdf_data`). */
export const toWireName = (path: string): string =>
  path.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Maps wire → domain; `problems` lists refused properties (shape checks are the queue's job). */
export function jobTypeFromWire(
  raw: unknown,
  path = 'job_type',
): { jobType: JobType; problems: string[] } {
  const problems: string[] = [];
  if (!isObject(raw))
    return { jobType: raw as JobType, problems: [`${path} must be an object with a "type"`] };
  const type = raw['type'];
  const fields = typeof type === 'string' ? JOB_TYPE_FIELDS[type] : undefined;
  if (!fields)
    return {
      jobType: raw as unknown as JobType,
      problems: [`${path}.type must be one of: ${JOB_TYPE_NAMES.join(', ')}`],
    };
  const out: Wire = { type };
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'type') continue;
    const target = fields[key];
    if (!target) {
      problems.push(`${path}.${key} is not allowed`);
      continue;
    }
    // `"options": null` means "defaults", as in the seed's examples.
    if (value === null && key === 'options') continue;
    out[target] =
      key === 'options' ? mapOptions(type as string, value, `${path}.options`, problems) : value;
  }
  return { jobType: out as unknown as JobType, problems };
}

function mapOptions(type: string, value: unknown, path: string, problems: string[]): unknown {
  if (!isObject(value)) return value;
  const isPdf = type === 'pdf_extraction';
  const fields: Record<string, string> = isPdf ? PDF_OPTION_FIELDS : CRAWL_OPTION_FIELDS;
  const out: Wire = {};
  const ignored: string[] = [];
  for (const [key, inner] of Object.entries(value)) {
    if (fields[key]) out[fields[key]] = inner;
    else if (!isPdf && (BROWSER_ONLY_CRAWL_OPTIONS as readonly string[]).includes(key))
      ignored.push(key);
    else problems.push(`${path}.${key} is not allowed`);
  }
  if (ignored.length) out['ignoredOptions'] = ignored;
  return out;
}

/** Domain → wire, for status responses. PDF bytes are summarised, not echoed back. */
export function jobTypeToWire(jobType: JobType): JsonObject {
  switch (jobType.type) {
    case 'batch_crawl':
      return {
        type: jobType.type,
        urls: jobType.urls,
        options: crawlOptionsToWire(jobType.options),
      };
    case 'single_crawl':
      return { type: jobType.type, url: jobType.url, options: crawlOptionsToWire(jobType.options) };
    case 'pdf_extraction': {
      const wire: JsonObject = { type: jobType.type };
      if (jobType.url) wire['url'] = jobType.url;
      if (jobType.pdfData) wire['pdf_data_bytes'] = Buffer.byteLength(jobType.pdfData, 'base64');
      else if (jobType.pdfDataBytes !== undefined) wire['pdf_data_bytes'] = jobType.pdfDataBytes; // listings leave the PDF out
      if (jobType.options) wire['options'] = renameKeys(jobType.options as JsonObject);
      return wire;
    }
    case 'maintenance':
      return {
        type: jobType.type,
        task_type: jobType.taskType,
        parameters: jobType.parameters ?? {},
      };
    case 'custom':
      return {
        type: jobType.type,
        job_name: jobType.jobName,
        payload: (jobType.payload ?? null) as JsonValue,
      };
  }
}

function crawlOptionsToWire(options: CrawlOptions | undefined): JsonValue {
  return options ? renameKeys(options as JsonObject) : null;
}

function renameKeys(object: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [toWireName(k), v]));
}

/** Deep camelCase → snake_case of object keys (arrays and values kept as they are). */
export function snakeCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeCaseKeys);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [toWireName(k), snakeCaseKeys(v)]),
  );
}
