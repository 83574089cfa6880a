import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/*
 * Documentation-only schemas of the `job_type` variants (the wire is validated by the queue's
 * domain validator after mapping, so the rules live in one place).
 */

export class CrawlOptionsDoc {
  @ApiPropertyOptional({ enum: ['read_through', 'bypass', 'refresh', 'cache_only'], default: 'read_through' })
  cache_mode?: string;
  @ApiPropertyOptional({ description: 'Concurrent URLs of a batch, capped by WORKER_MAX_CONCURRENCY', minimum: 1 })
  concurrency?: number;
  @ApiPropertyOptional({ enum: ['document', 'markdown', 'text'], default: 'document' })
  output_format?: string;
  @ApiPropertyOptional({ default: true, description: '`false` only where the operator set CRAWL_ALLOW_ROBOTS_OVERRIDE=true (default false)' })
  respect_robots?: boolean;
  @ApiPropertyOptional({ description: 'Per-URL time limit; at most CRAWL_MAX_TIMEOUT_MS (default 120000)', minimum: 100, maximum: 120000 })
  timeout_ms?: number;
  @ApiPropertyOptional({ description: 'Per-URL cap on decoded bytes; at most CRAWL_MAX_BYTES_CEILING (default 52428800)', minimum: 1, maximum: 52428800 })
  max_bytes?: number;
  @ApiPropertyOptional({ description: 'Browser-only; accepted and reported as ignored' })
  render_mode?: string;
  @ApiPropertyOptional({ description: 'Browser-only; accepted and reported as ignored' })
  scroll_steps?: number;
}

export class BatchCrawlJobDoc {
  @ApiProperty({ enum: ['batch_crawl'] }) type!: 'batch_crawl';
  @ApiProperty({ type: [String], description: '1..WORKER_MAX_BATCH_SIZE http(s) URLs', example: ['https://example.com'] })
  urls!: string[];
  @ApiPropertyOptional({ type: CrawlOptionsDoc, nullable: true }) options?: CrawlOptionsDoc | null;
}

export class SingleCrawlJobDoc {
  @ApiProperty({ enum: ['single_crawl'] }) type!: 'single_crawl';
  @ApiProperty({ example: 'https://example.com' }) url!: string;
  @ApiPropertyOptional({ type: CrawlOptionsDoc, nullable: true }) options?: CrawlOptionsDoc | null;
}

export class PdfExtractionOptionsDoc {
  @ApiPropertyOptional({ minimum: 1, maximum: 5000 }) max_pages?: number;
  @ApiPropertyOptional({ description: 'At most CRAWL_MAX_BYTES_CEILING (default 52428800)', minimum: 1, maximum: 52428800 }) max_bytes?: number;
  @ApiPropertyOptional({ description: 'At most CRAWL_MAX_TIMEOUT_MS (default 120000)', minimum: 100, maximum: 120000 }) timeout_ms?: number;
}

export class PdfExtractionJobDoc {
  @ApiProperty({ enum: ['pdf_extraction'] }) type!: 'pdf_extraction';
  @ApiPropertyOptional({ description: 'Exactly one of url and pdf_data' }) url?: string;
  @ApiPropertyOptional({ description: 'Base64 PDF bytes; exactly one of url and pdf_data' }) pdf_data?: string;
  @ApiPropertyOptional({ type: PdfExtractionOptionsDoc, nullable: true }) options?: PdfExtractionOptionsDoc | null;
}

export class MaintenanceJobDoc {
  @ApiProperty({ enum: ['maintenance'] }) type!: 'maintenance';
  @ApiProperty({ example: 'cleanup', description: 'health_check or cleanup' }) task_type!: string;
  @ApiPropertyOptional({ type: Object, example: { older_than_secs: 86400 } }) parameters?: object;
}

export class CustomJobDoc {
  @ApiProperty({ enum: ['custom'] }) type!: 'custom';
  @ApiProperty({ example: 'send_report', description: 'A handler registered with @CustomJobHandler' }) job_name!: string;
  @ApiPropertyOptional({ description: 'Any JSON' }) payload?: unknown;
}

export const JOB_TYPE_DOCS = [BatchCrawlJobDoc, SingleCrawlJobDoc, PdfExtractionJobDoc, MaintenanceJobDoc, CustomJobDoc];
