import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/*
 * Documentation-only schemas of what crawl jobs produce (a result's `data`), in wire names.
 * A failed URL keeps its message in `error` and a stable, machine-readable `error_code`.
 */

export class CrawlResultDoc {
  @ApiProperty({ example: 'https://example.com/', description: 'The URL as submitted' })
  url!: string;
  @ApiProperty({
    type: 'string',
    nullable: true,
    example: 'https://example.com/',
    description: 'After redirects; null when nothing was fetched',
  })
  final_url!: string | null;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 200,
    description: 'HTTP status of the final response; null when there was none',
  })
  status!: number | null;
  @ApiProperty({ example: false, description: 'Served from the page cache' }) from_cache!: boolean;
  @ApiProperty({ type: 'integer', minimum: 0, example: 388 }) processing_time_ms!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: {
      url: 'https://example.com/',
      title: 'Example Domain',
      text: 'This domain is for use in examples.',
      word_count: 6,
      content_type: 'text/html',
    },
    description:
      'The extracted document (url, title, description, text, markdown, links, language, site_name, byline, published_iso, word_count, reading_time, content_type; PDFs add pages, pdf_metadata); null on failure',
  })
  document!: object | null;
  @ApiProperty({
    type: 'string',
    nullable: true,
    example: null,
    description: 'Why this URL failed, for people; null on success',
  })
  error!: string | null;
  @ApiProperty({
    type: 'string',
    nullable: true,
    example: null,
    description:
      'Why this URL failed, for programs: a stable code such as dns, connect, tls, timeout, robots_blocked, ssrf_blocked, http_status, response_too_large; null on success',
  })
  error_code!: string | null;
  @ApiPropertyOptional({
    type: [String],
    example: ['render_mode'],
    description: 'Browser-only options that were accepted and ignored',
  })
  ignored_options?: string[];
}

export class BatchCrawlResponseDoc {
  @ApiProperty({ type: 'integer', minimum: 1, example: 2 }) total_urls!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 1 }) successful!: number;
  @ApiProperty({ type: 'integer', minimum: 0, example: 1 }) failed!: number;
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 0,
    description: 'URLs served from the page cache',
  })
  from_cache!: number;
  @ApiProperty({ type: [CrawlResultDoc], description: 'One per URL, in input order' })
  results!: CrawlResultDoc[];
}
