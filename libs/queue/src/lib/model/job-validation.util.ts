import { CACHE_MODES, OUTPUT_FORMATS, isCacheMode, isOutputFormat } from '@riptide/crawl-options';
import {
  JOB_PRIORITIES,
  JOB_TYPE_NAMES,
  JobSubmission,
  MAINTENANCE_TASK_TYPES,
  WEBHOOK_EVENT_KINDS,
} from './job.interface';
import { CEILING_SETTINGS, JobLimits } from './job-limits.interface';
import { QueueMessages } from '../queue.messages';
import { isValidTenant } from './tenant.util';

/** Names a field in a problem message; the HTTP layer passes one that speaks snake_case. */
export type FieldNamer = (path: string) => string;

/** Custom job names and maintenance task types: short, printable, no spaces. */
export const JOB_NAME_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const jsonSize = (v: unknown): number => Buffer.byteLength(JSON.stringify(v) ?? '');
const isInt = (v: unknown, min: number, max: number): boolean =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const isNum = (v: unknown, min: number, max: number): boolean =>
  typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max;

/** Returns why a URL is not crawlable input, or null. Only http(s), no credentials. */
export function describeUrlProblem(value: unknown, maxLength: number): string | null {
  if (typeof value !== 'string' || value.length === 0) return 'must be a non-empty string';
  if (value.length > maxLength) return `must be at most ${maxLength} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must use http or https';
  if (url.username || url.password) return 'must not contain credentials';
  if (!url.hostname) return 'must have a host';
  return null;
}

/**
 * Checks a submission against the SPEC and the limits; returns every problem found (empty when
 * valid). Runs in the producer, so a bad job is refused at submit instead of failing later.
 */
export function validateJobSubmission(
  submission: JobSubmission,
  limits: JobLimits,
  name: FieldNamer = (path) => path,
  now = Date.now(),
): string[] {
  const problems: string[] = [];
  const add = (path: string, message: string) => problems.push(`${name(path)} ${message}`);
  const jobType = submission.jobType as unknown;

  if (!isObject(jobType)) {
    add('jobType', 'must be an object with a "type"');
  } else if (!JOB_TYPE_NAMES.includes(jobType['type'] as never)) {
    add('jobType.type', `must be one of: ${JOB_TYPE_NAMES.join(', ')}`);
  } else {
    switch (jobType['type']) {
      case 'batch_crawl': {
        const urls = jobType['urls'];
        if (!Array.isArray(urls) || urls.length < 1 || urls.length > limits.maxBatchSize) {
          add('jobType.urls', `must be an array of 1 to ${limits.maxBatchSize} URLs`);
        } else {
          urls.forEach((u, i) => {
            const problem = describeUrlProblem(u, limits.maxUrlLength);
            if (problem) add(`jobType.urls[${i}]`, problem);
          });
        }
        validateCrawlOptions(jobType['options'], limits, add);
        break;
      }
      case 'single_crawl': {
        const problem = describeUrlProblem(jobType['url'], limits.maxUrlLength);
        if (problem) add('jobType.url', problem);
        validateCrawlOptions(jobType['options'], limits, add);
        break;
      }
      case 'pdf_extraction': {
        const hasUrl = jobType['url'] !== undefined;
        const hasData = jobType['pdfData'] !== undefined;
        if (hasUrl === hasData)
          add('jobType', `must have exactly one of ${name('url')} and ${name('pdfData')}`);
        if (hasUrl) {
          const problem = describeUrlProblem(jobType['url'], limits.maxUrlLength);
          if (problem) add('jobType.url', problem);
        }
        if (hasData) {
          const data = jobType['pdfData'];
          if (typeof data !== 'string' || data.length === 0 || !BASE64_PATTERN.test(data)) {
            add('jobType.pdfData', 'must be non-empty base64');
          } else if (decodedBase64Length(data) > limits.maxPdfBytes) {
            add('jobType.pdfData', `must decode to at most ${limits.maxPdfBytes} bytes`);
          }
        }
        const options = jobType['options'];
        if (options !== undefined && options !== null) {
          if (!isObject(options)) add('jobType.options', 'must be an object');
          else {
            if (options['maxPages'] !== undefined && !isInt(options['maxPages'], 1, 5000))
              add('jobType.options.maxPages', 'must be an integer from 1 to 5000');
            checkCeiling(
              options,
              'maxBytes',
              1,
              limits.maxCrawlBytes,
              CEILING_SETTINGS.maxCrawlBytes,
              add,
            );
            checkCeiling(
              options,
              'timeoutMs',
              100,
              limits.maxCrawlTimeoutMs,
              CEILING_SETTINGS.maxCrawlTimeoutMs,
              add,
            );
          }
        }
        break;
      }
      case 'maintenance': {
        if (!MAINTENANCE_TASK_TYPES.includes(jobType['taskType'] as never))
          add('jobType.taskType', QueueMessages.unknownMaintenanceTask(MAINTENANCE_TASK_TYPES));
        const parameters = jobType['parameters'];
        if (parameters !== undefined && parameters !== null) {
          if (!isObject(parameters)) add('jobType.parameters', 'must be an object');
          else if (jsonSize(parameters) > limits.maxPayloadBytes)
            add('jobType.parameters', `must be at most ${limits.maxPayloadBytes} bytes as JSON`);
        }
        break;
      }
      case 'custom': {
        if (typeof jobType['jobName'] !== 'string' || !JOB_NAME_PATTERN.test(jobType['jobName']))
          add('jobType.jobName', 'must be 1-128 characters of letters, digits, _ . : -');
        if (
          jobType['payload'] !== undefined &&
          jsonSize(jobType['payload']) > limits.maxPayloadBytes
        )
          add('jobType.payload', `must be at most ${limits.maxPayloadBytes} bytes as JSON`);
        break;
      }
    }
  }

  if (submission.tenant !== undefined && !isValidTenant(submission.tenant))
    add(
      'tenant',
      'must match [a-z0-9][a-z0-9_-]{0,62} (lower-case letters, digits, _ and -; at most 63 characters)',
    );
  if (submission.priority !== undefined && !JOB_PRIORITIES.includes(submission.priority))
    add('priority', `must be one of: ${JOB_PRIORITIES.join(', ')}`);
  if (
    submission.timeoutSecs !== undefined &&
    !isInt(submission.timeoutSecs, 1, limits.maxTimeoutSecs)
  )
    add(
      'timeoutSecs',
      QueueMessages.integerUpToCeiling(1, limits.maxTimeoutSecs, CEILING_SETTINGS.maxTimeoutSecs),
    );
  if (submission.scheduledAt !== undefined) {
    const at = submission.scheduledAt;
    if (!(at instanceof Date) || Number.isNaN(at.getTime()))
      add('scheduledAt', 'must be an RFC 3339 date-time');
    else if (at.getTime() - now > limits.maxScheduleAheadSecs * 1000)
      add('scheduledAt', `must be at most ${limits.maxScheduleAheadSecs} seconds ahead`);
  }
  if (submission.metadata !== undefined) {
    if (!isObject(submission.metadata)) add('metadata', 'must be an object');
    else if (jsonSize(submission.metadata) > limits.maxMetadataBytes)
      add('metadata', `must be at most ${limits.maxMetadataBytes} bytes as JSON`);
  }
  if (submission.webhook !== undefined) validateWebhook(submission.webhook, limits, add);
  const retry = submission.retryConfig as unknown;
  if (retry !== undefined) {
    if (!isObject(retry)) add('retryConfig', 'must be an object');
    else {
      const check = (key: string, ok: (v: unknown) => boolean, message: string) => {
        if (retry[key] !== undefined && !ok(retry[key])) add(`retryConfig.${key}`, message);
      };
      check(
        'maxAttempts',
        (v) => isInt(v, 1, limits.maxAttempts),
        `must be an integer from 1 to ${limits.maxAttempts}`,
      );
      check('initialDelaySecs', (v) => isNum(v, 0, 86400), 'must be a number from 0 to 86400');
      check('backoffMultiplier', (v) => isNum(v, 1, 100), 'must be a number from 1 to 100');
      check('maxDelaySecs', (v) => isNum(v, 0, 86400), 'must be a number from 0 to 86400');
      check('useJitter', (v) => typeof v === 'boolean', 'must be a boolean');
    }
  }
  return problems;
}

type AddProblem = (path: string, message: string) => void;

/**
 * A webhook's shape: an http(s) URL without credentials and known event names. Whether its host
 * is a public address needs DNS, so the HTTP layer checks that (and every delivery again).
 */
function validateWebhook(webhook: unknown, limits: JobLimits, add: AddProblem): void {
  if (!isObject(webhook)) return add('webhook', 'must be an object with a "url"');
  const problem = describeUrlProblem(webhook['url'], limits.maxUrlLength);
  if (problem) add('webhook.url', problem);
  const events = webhook['events'];
  if (events === undefined) return;
  if (
    !Array.isArray(events) ||
    events.length === 0 ||
    events.some((event) => !WEBHOOK_EVENT_KINDS.includes(event as never))
  )
    add('webhook.events', `must be a non-empty list of: ${WEBHOOK_EVENT_KINDS.join(', ')}`);
}

/**
 * An option bounded by an operator ceiling: a valid value above it says "at most", naming the
 * setting; anything else gets the whole range, also naming it.
 */
function checkCeiling(
  options: Record<string, unknown>,
  key: string,
  min: number,
  max: number,
  setting: string,
  add: AddProblem,
): void {
  const value = options[key];
  if (value === undefined || isInt(value, min, max)) return;
  const path = `jobType.options.${key}`;
  if (isInt(value, min, Number.MAX_SAFE_INTEGER))
    add(path, QueueMessages.aboveCeiling(max, setting));
  else add(path, QueueMessages.integerUpToCeiling(min, max, setting));
}

function validateCrawlOptions(options: unknown, limits: JobLimits, add: AddProblem): void {
  if (options === undefined || options === null) return;
  if (!isObject(options)) return add('jobType.options', 'must be an object');
  if (options['cacheMode'] !== undefined && !isCacheMode(options['cacheMode']))
    add('jobType.options.cacheMode', `must be one of: ${CACHE_MODES.join(', ')}`);
  if (options['outputFormat'] !== undefined && !isOutputFormat(options['outputFormat']))
    add('jobType.options.outputFormat', `must be one of: ${OUTPUT_FORMATS.join(', ')}`);
  if (options['concurrency'] !== undefined && !isInt(options['concurrency'], 1, 1000))
    add('jobType.options.concurrency', 'must be an integer from 1 to 1000');
  if (options['respectRobots'] !== undefined && typeof options['respectRobots'] !== 'boolean')
    add('jobType.options.respectRobots', 'must be a boolean');
  else if (options['respectRobots'] === false && !limits.allowRobotsOverride)
    add(
      'jobType.options.respectRobots',
      QueueMessages.robotsOverrideRefused(CEILING_SETTINGS.allowRobotsOverride),
    );
  checkCeiling(
    options,
    'timeoutMs',
    100,
    limits.maxCrawlTimeoutMs,
    CEILING_SETTINGS.maxCrawlTimeoutMs,
    add,
  );
  checkCeiling(options, 'maxBytes', 1, limits.maxCrawlBytes, CEILING_SETTINGS.maxCrawlBytes, add);
}

/** Bytes that `base64` (valid, per BASE64_PATTERN) decodes to, without decoding it. */
function decodedBase64Length(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.floor((base64.length * 3) / 4) - padding;
}
