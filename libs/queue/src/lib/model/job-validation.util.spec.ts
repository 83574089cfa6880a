import { DEFAULT_JOB_LIMITS } from './job-limits.interface';
import { validateJobSubmission } from './job-validation.util';

describe('validateJobSubmission: pdf_data', () => {
  const limits = { ...DEFAULT_JOB_LIMITS, maxPdfBytes: 100 };
  const pdf = (bytes: number) => ({
    jobType: {
      type: 'pdf_extraction' as const,
      pdfData: Buffer.alloc(bytes, 7).toString('base64'),
    },
  });

  it('accepts pdf_data up to the cap, whatever its base64 padding', () => {
    for (const bytes of [1, 98, 99, 100])
      expect(validateJobSubmission(pdf(bytes), limits)).toEqual([]);
  });

  it('refuses pdf_data over the cap, naming the field and the cap', () => {
    for (const bytes of [101, 102, 103, 5000]) {
      expect(validateJobSubmission(pdf(bytes), limits)).toEqual([
        'jobType.pdfData must decode to at most 100 bytes',
      ]);
    }
  });

  it('refuses pdf_data that is not base64', () => {
    expect(
      validateJobSubmission(
        { jobType: { type: 'pdf_extraction', pdfData: 'not base64!' } },
        limits,
      ),
    ).toEqual(['jobType.pdfData must be non-empty base64']);
  });
});

describe('validateJobSubmission: tenant', () => {
  const job = (tenant?: string) => ({
    jobType: { type: 'custom' as const, jobName: 'echo' },
    tenant,
  });

  it('accepts no tenant and names that match the pattern', () => {
    for (const tenant of [undefined, 'default', 'a', '0', 'team_1-eu', 'a'.repeat(63)])
      expect(validateJobSubmission(job(tenant), DEFAULT_JOB_LIMITS)).toEqual([]);
  });

  it('refuses names that do not, naming the field through the FieldNamer', () => {
    for (const tenant of ['', 'Team', '_a', 'a.b', 'a:b', 'a'.repeat(64)])
      expect(validateJobSubmission(job(tenant), DEFAULT_JOB_LIMITS, (p) => `<${p}>`)).toEqual([
        expect.stringMatching(/^<tenant> must match \[a-z0-9\]\[a-z0-9_-\]\{0,62\}/),
      ]);
  });
});

describe('validateJobSubmission: operator ceilings', () => {
  const wire = (path: string) => path.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const crawl = (options: Record<string, unknown>, timeoutSecs?: number) => ({
    jobType: { type: 'single_crawl' as const, url: 'https://example.com/', options },
    timeoutSecs,
  });

  it('accepts values up to each ceiling and names the setting of every one beyond, in one answer', () => {
    const limits = DEFAULT_JOB_LIMITS;
    expect(
      validateJobSubmission(
        crawl({ maxBytes: 50 * 1024 * 1024, timeoutMs: 120000, respectRobots: true }, 3600),
        limits,
      ),
    ).toEqual([]);
    expect(
      validateJobSubmission(
        crawl({ maxBytes: 50 * 1024 * 1024 + 1, timeoutMs: 120001, respectRobots: false }, 3601),
        limits,
        wire,
      ),
    ).toEqual([
      'job_type.options.respect_robots may be false only where CRAWL_ALLOW_ROBOTS_OVERRIDE=true',
      'job_type.options.timeout_ms must be at most 120000 (CRAWL_MAX_TIMEOUT_MS)',
      'job_type.options.max_bytes must be at most 52428800 (CRAWL_MAX_BYTES_CEILING)',
      'timeout_secs must be an integer from 1 to 3600 (JOB_MAX_TIMEOUT_SECS)',
    ]);
  });

  it('follows the limits it is given: raised ceilings and the robots override', () => {
    const limits = {
      ...DEFAULT_JOB_LIMITS,
      maxTimeoutSecs: 86400,
      maxCrawlBytes: 1000,
      maxCrawlTimeoutMs: 600000,
      allowRobotsOverride: true,
    };
    expect(
      validateJobSubmission(
        crawl({ respectRobots: false, timeoutMs: 600000, maxBytes: 1000 }, 86400),
        limits,
      ),
    ).toEqual([]);
    expect(validateJobSubmission(crawl({ maxBytes: 1001 }), limits)).toEqual([
      'jobType.options.maxBytes must be at most 1000 (CRAWL_MAX_BYTES_CEILING)',
    ]);
  });

  it('names the whole range (and the setting) for values that are not integers in it at all', () => {
    expect(
      validateJobSubmission(crawl({ maxBytes: 0, timeoutMs: 99.5 }, 0), DEFAULT_JOB_LIMITS, wire),
    ).toEqual([
      'job_type.options.timeout_ms must be an integer from 100 to 120000 (CRAWL_MAX_TIMEOUT_MS)',
      'job_type.options.max_bytes must be an integer from 1 to 52428800 (CRAWL_MAX_BYTES_CEILING)',
      'timeout_secs must be an integer from 1 to 3600 (JOB_MAX_TIMEOUT_SECS)',
    ]);
    expect(validateJobSubmission(crawl({ respectRobots: 'no' }), DEFAULT_JOB_LIMITS)).toEqual([
      'jobType.options.respectRobots must be a boolean',
    ]);
  });

  it('applies to batch_crawl options and to the PDF options alike', () => {
    const batch = {
      jobType: {
        type: 'batch_crawl' as const,
        urls: ['https://example.com/'],
        options: { respectRobots: false },
      },
    };
    expect(validateJobSubmission(batch, DEFAULT_JOB_LIMITS)).toEqual([
      'jobType.options.respectRobots may be false only where CRAWL_ALLOW_ROBOTS_OVERRIDE=true',
    ]);
    const pdf = {
      jobType: {
        type: 'pdf_extraction' as const,
        url: 'https://example.com/a.pdf',
        options: { maxBytes: 60 * 1024 * 1024, timeoutMs: 600000 },
      },
    };
    expect(validateJobSubmission(pdf, DEFAULT_JOB_LIMITS, wire)).toEqual([
      'job_type.options.max_bytes must be at most 52428800 (CRAWL_MAX_BYTES_CEILING)',
      'job_type.options.timeout_ms must be at most 120000 (CRAWL_MAX_TIMEOUT_MS)',
    ]);
  });
});

describe('validateJobSubmission: maintenance task_type', () => {
  const job = (taskType: unknown) => ({
    jobType: { type: 'maintenance' as const, taskType: taskType as string },
  });

  it('accepts the known tasks', () => {
    for (const taskType of ['cleanup', 'health_check'])
      expect(validateJobSubmission(job(taskType), DEFAULT_JOB_LIMITS)).toEqual([]);
  });

  it('refuses any other, naming the known ones', () => {
    for (const taskType of ['defrag', 'toString', '', 42, undefined])
      expect(validateJobSubmission(job(taskType), DEFAULT_JOB_LIMITS)).toEqual([
        'jobType.taskType must be one of the maintenance tasks: cleanup, health_check',
      ]);
  });
});

describe('validateJobSubmission: webhook', () => {
  const job = { type: 'single_crawl' as const, url: 'https://example.com/' };

  it('accepts an http(s) URL with known events, or none', () => {
    expect(
      validateJobSubmission(
        { jobType: job, webhook: { url: 'https://hooks.example/in' } },
        DEFAULT_JOB_LIMITS,
      ),
    ).toEqual([]);
    expect(
      validateJobSubmission(
        {
          jobType: job,
          webhook: { url: 'http://hooks.example/in', events: ['progress', 'retrying'] },
        },
        DEFAULT_JOB_LIMITS,
      ),
    ).toEqual([]);
  });

  it('refuses other schemes, credentials, long URLs and unknown or no events, each named', () => {
    const problems = (webhook: unknown) =>
      validateJobSubmission({ jobType: job, webhook: webhook as never }, DEFAULT_JOB_LIMITS);
    expect(problems({ url: 'ftp://hooks.example/' })).toEqual([
      'webhook.url must use http or https',
    ]);
    expect(problems({ url: 'https://user:pw@hooks.example/' })).toEqual([
      'webhook.url must not contain credentials',
    ]);
    expect(problems({ url: `https://hooks.example/${'a'.repeat(2048)}` })).toEqual([
      'webhook.url must be at most 2048 characters',
    ]);
    const events =
      'webhook.events must be a non-empty list of: completed, failed, dead_letter, cancelled, retrying, progress';
    expect(problems({ url: 'https://hooks.example/', events: ['started'] })).toEqual([events]);
    expect(problems({ url: 'https://hooks.example/', events: [] })).toEqual([events]);
    expect(problems('https://hooks.example/')).toEqual(['webhook must be an object with a "url"']);
  });
});
