import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CACHE_MODES, OUTPUT_FORMATS } from '@riptide/crawl-options';
import { DEFAULT_JOB_LIMITS, JOB_NAME_PATTERN } from '@riptide/queue';
import { ANY_JSON_OR_NULL } from '../docs/schema.util';

/*
 * Documentation-only schemas of the `job_type` variants (the wire is validated by the queue's
 * domain validator after mapping, so the rules live in one place). The bounds are that
 * validator's, at their defaults where an operator setting can change them.
 */

const limits = DEFAULT_JOB_LIMITS;
const URL_DOC = {
  type: 'string',
  format: 'uri',
  pattern: '^[hH][tT][tT][pP][sS]?://',
  maxLength: limits.maxUrlLength,
} as const;
const NAME_DOC = { type: 'string', pattern: JOB_NAME_PATTERN.source, maxLength: 128 } as const;
const BROWSER_ONLY = 'Needs a browser: accepted and reported as ignored in the result';

export class CrawlOptionsDoc {
  @ApiPropertyOptional({
    enum: [...CACHE_MODES],
    default: 'read_through',
    example: 'read_through',
    description: 'How the page cache is used',
  })
  cache_mode?: string;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 1000,
    example: 4,
    description: 'Concurrent URLs of a batch, capped by WORKER_MAX_CONCURRENCY',
  })
  concurrency?: number;
  @ApiPropertyOptional({
    enum: [...OUTPUT_FORMATS],
    default: 'document',
    example: 'markdown',
    description: 'What each result carries',
  })
  output_format?: string;
  @ApiPropertyOptional({
    default: true,
    example: true,
    description:
      '`false` only where the operator set CRAWL_ALLOW_ROBOTS_OVERRIDE=true (default false)',
  })
  respect_robots?: boolean;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 100,
    maximum: limits.maxCrawlTimeoutMs,
    example: 20000,
    description: `Per-URL time limit; at most CRAWL_MAX_TIMEOUT_MS (default ${limits.maxCrawlTimeoutMs})`,
  })
  timeout_ms?: number;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: limits.maxCrawlBytes,
    example: 5242880,
    description: `Per-URL cap on decoded bytes; at most CRAWL_MAX_BYTES_CEILING (default ${limits.maxCrawlBytes})`,
  })
  max_bytes?: number;
  @ApiPropertyOptional({ type: 'string', description: BROWSER_ONLY }) render_mode?: string;
  @ApiPropertyOptional({ type: 'integer', description: BROWSER_ONLY }) scroll_steps?: number;
  @ApiPropertyOptional({ ...ANY_JSON_OR_NULL, description: BROWSER_ONLY }) wait_for?: unknown;
  @ApiPropertyOptional({ type: 'string', description: BROWSER_ONLY }) wait_for_selector?: string;
  @ApiPropertyOptional({ type: 'boolean', description: BROWSER_ONLY }) screenshot?: boolean;
  @ApiPropertyOptional({ ...ANY_JSON_OR_NULL, description: BROWSER_ONLY }) javascript?: unknown;
  @ApiPropertyOptional({ type: 'boolean', description: BROWSER_ONLY }) stealth_mode?: boolean;
  @ApiPropertyOptional({ ...ANY_JSON_OR_NULL, description: BROWSER_ONLY }) viewport?: unknown;
  @ApiPropertyOptional({ ...ANY_JSON_OR_NULL, description: BROWSER_ONLY }) dynamic_wait?: unknown;
}

export class BatchCrawlJobDoc {
  @ApiProperty({ enum: ['batch_crawl'], example: 'batch_crawl' }) type!: 'batch_crawl';
  @ApiProperty({
    type: 'array',
    items: URL_DOC,
    minItems: 1,
    maxItems: limits.maxBatchSize,
    description: `1..WORKER_MAX_BATCH_SIZE (default ${limits.maxBatchSize}) http(s) URLs`,
    example: ['https://example.com/a', 'https://example.com/b'],
  })
  urls!: string[];
  @ApiPropertyOptional({
    type: CrawlOptionsDoc,
    nullable: true,
    description: 'null or absent: the defaults',
  })
  options?: CrawlOptionsDoc | null;
}

export class SingleCrawlJobDoc {
  @ApiProperty({ enum: ['single_crawl'], example: 'single_crawl' }) type!: 'single_crawl';
  @ApiProperty({
    ...URL_DOC,
    example: 'https://example.com/',
    description: 'An http(s) URL without credentials',
  })
  url!: string;
  @ApiPropertyOptional({
    type: CrawlOptionsDoc,
    nullable: true,
    description: 'null or absent: the defaults',
  })
  options?: CrawlOptionsDoc | null;
}

export class PdfExtractionOptionsDoc {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 5000,
    example: 50,
    description: 'Pages read, from the first',
  })
  max_pages?: number;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: limits.maxCrawlBytes,
    description: `At most CRAWL_MAX_BYTES_CEILING (default ${limits.maxCrawlBytes})`,
  })
  max_bytes?: number;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 100,
    maximum: limits.maxCrawlTimeoutMs,
    description: `At most CRAWL_MAX_TIMEOUT_MS (default ${limits.maxCrawlTimeoutMs})`,
  })
  timeout_ms?: number;
}

export class PdfExtractionJobDoc {
  @ApiProperty({ enum: ['pdf_extraction'], example: 'pdf_extraction' }) type!: 'pdf_extraction';
  @ApiPropertyOptional({
    ...URL_DOC,
    example: 'https://example.com/report.pdf',
    description: 'Exactly one of url and pdf_data',
  })
  url?: string;
  @ApiPropertyOptional({
    type: 'string',
    format: 'byte',
    description: `Base64 PDF bytes, at most ${limits.maxPdfBytes} decoded; exactly one of url and pdf_data`,
  })
  pdf_data?: string;
  @ApiPropertyOptional({
    type: PdfExtractionOptionsDoc,
    nullable: true,
    description: 'null or absent: the defaults',
  })
  options?: PdfExtractionOptionsDoc | null;
}

export class MaintenanceJobDoc {
  @ApiProperty({ enum: ['maintenance'], example: 'maintenance' }) type!: 'maintenance';
  @ApiProperty({
    ...NAME_DOC,
    example: 'cleanup',
    description: 'A maintenance task: health_check or cleanup; an unknown one is refused with 400',
  })
  task_type!: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: { older_than_secs: 86400 },
    description: `The task's parameters; at most ${limits.maxPayloadBytes} bytes as JSON`,
  })
  parameters?: object;
}

export class CustomJobDoc {
  @ApiProperty({ enum: ['custom'], example: 'custom' }) type!: 'custom';
  @ApiProperty({
    ...NAME_DOC,
    example: 'send_report',
    description: 'A handler registered with @CustomJobHandler',
  })
  job_name!: string;
  @ApiPropertyOptional({
    ...ANY_JSON_OR_NULL,
    example: { to: 'ops@example.com' },
    description: `Any JSON for the handler; at most ${limits.maxPayloadBytes} bytes as JSON`,
  })
  payload?: unknown;
}

export const JOB_TYPE_DOCS = [
  BatchCrawlJobDoc,
  SingleCrawlJobDoc,
  PdfExtractionJobDoc,
  MaintenanceJobDoc,
  CustomJobDoc,
];
