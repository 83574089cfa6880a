import { applyDecorators } from '@nestjs/common';
import type { ApiParamOptions } from '@nestjs/swagger';
import { ApiErrorResponse } from '@riptide/auth';
import { JobNotFoundError, TenantQuotaError } from '@riptide/queue';
import { WebhooksMessages } from '@riptide/webhooks';
import { EXAMPLE_JOB_ID, EXAMPLE_TIME } from '../docs/api-docs.decorators';
import {
  MAINTENANCE_NEEDS_ADMIN,
  priorityAboveCeiling,
  rateLimited,
} from '../submissions/submission-gate.service';

/*
 * Examples and error causes of the job routes, for the document. The messages come from the code
 * that sends them wherever it can, so that the examples say what the API says.
 */

export const JOB_ID_PARAM: ApiParamOptions = {
  name: 'job_id',
  description: 'The id POST /workers/jobs answered',
  example: EXAMPLE_JOB_ID,
};
export const JOB_NOT_FOUND = new JobNotFoundError(EXAMPLE_JOB_ID).message;

const crawlOptions = {
  cache_mode: 'read_through',
  output_format: 'markdown',
  timeout_ms: 20000,
  max_bytes: 5242880,
};

/** One submission of each job type. */
export const SUBMISSION_EXAMPLES = {
  single_crawl: {
    summary: 'Crawl one page',
    value: {
      job_type: { type: 'single_crawl', url: 'https://example.com/', options: crawlOptions },
      priority: 'High',
      metadata: { team: 'news' },
    },
  },
  batch_crawl: {
    summary: 'Crawl a batch of pages, with retries and a time limit',
    value: {
      job_type: {
        type: 'batch_crawl',
        urls: ['https://example.com/a', 'https://example.com/b'],
        options: { concurrency: 2 },
      },
      retry_config: {
        max_attempts: 5,
        initial_delay_secs: 10,
        backoff_multiplier: 2,
        max_delay_secs: 120,
        use_jitter: true,
      },
      timeout_secs: 900,
    },
  },
  pdf_extraction: {
    summary: 'Extract the text of a PDF, later',
    value: {
      job_type: {
        type: 'pdf_extraction',
        url: 'https://example.com/report.pdf',
        options: { max_pages: 50 },
      },
      scheduled_at: EXAMPLE_TIME,
    },
  },
  maintenance: {
    summary: 'Clean up old jobs (admin only)',
    value: {
      job_type: {
        type: 'maintenance',
        task_type: 'cleanup',
        parameters: { older_than_secs: 86400 },
      },
    },
  },
  with_webhook: {
    summary: 'Crawl one page and POST its outcome to a webhook',
    value: {
      job_type: { type: 'single_crawl', url: 'https://example.com/' },
      webhook: {
        url: 'https://hooks.example.com/riptide',
        events: ['completed', 'failed', 'dead_letter'],
      },
    },
  },
  custom: {
    summary: 'Run a custom handler',
    value: {
      job_type: { type: 'custom', job_name: 'send_report', payload: { to: 'ops@example.com' } },
      priority: 'Low',
    },
  },
};

export const BULK_EXAMPLES = {
  two_jobs: {
    summary: 'Two jobs in one request',
    value: { jobs: [SUBMISSION_EXAMPLES.single_crawl.value, SUBMISSION_EXAMPLES.custom.value] },
  },
};

export const SUBMIT_INVALID = {
  invalid_job: [
    'job_type.url must be an absolute URL',
    'priority must be one of: Low, Normal, High, Critical',
  ],
  above_ceiling: ['timeout_secs must be an integer from 1 to 3600 (JOB_MAX_TIMEOUT_SECS)'],
  private_webhook: [`webhook.url ${WebhooksMessages.privateTarget}`],
  idempotency_key: 'Idempotency-Key must be 1-255 printable ASCII characters',
};

export const SUBMIT_FORBIDDEN = {
  maintenance: MAINTENANCE_NEEDS_ADMIN,
  priority_above_ceiling: priorityAboveCeiling('Critical', 'High'),
};

export const SUBMIT_TOO_MANY = {
  rate_limited: rateLimited(100, 1),
  tenant_quota: new TenantQuotaError('acme', 10000, 10000).message,
};

/** What an Idempotency-Key can answer besides the first answer replayed. */
export const IDEMPOTENCY_ERRORS = () =>
  applyDecorators(
    ApiErrorResponse(409, 'A request with the same Idempotency-Key is still running', {
      in_flight: 'A request with this Idempotency-Key is still being processed; retry shortly',
    }),
    ApiErrorResponse(422, 'The Idempotency-Key was used with another body', {
      key_reused:
        'This Idempotency-Key was already used with a different request; use a new key for a new request',
    }),
  );
