// eslint-disable-next-line @nx/enforce-module-boundaries -- test-only use of the shared fixture site
import {
  buildPdfDocument,
  FIXTURE_ARTICLE,
  FIXTURE_PDF,
  FixtureSite,
  startFixtureSite,
} from '@riptide/testing';
import { createE2eContext, E2eContext } from '../test/crawler-e2e.spec-helper';

describe('content routing and extraction', () => {
  let site: FixtureSite;
  let ctx: E2eContext;

  beforeAll(async () => {
    site = await startFixtureSite();
  });
  afterAll(() => site.close());
  beforeEach(() => {
    ctx = createE2eContext();
    site.reset();
  });
  afterEach(() => ctx.cleanup());

  it('extracts every ExtractedDoc field from an article', async () => {
    const result = await ctx.crawler().crawl(site.url('/article'));
    expect(result).toMatchObject({
      url: site.url('/article'),
      status: 200,
      fromCache: false,
      error: null,
    });
    expect(result.processingTimeMs).toBeGreaterThanOrEqual(0);
    const doc = result.document!;
    expect(doc).toMatchObject({
      url: site.url('/article'),
      title: FIXTURE_ARTICLE.title,
      description: FIXTURE_ARTICLE.description,
      language: FIXTURE_ARTICLE.language,
      siteName: FIXTURE_ARTICLE.siteName,
      byline: expect.stringContaining(FIXTURE_ARTICLE.byline),
      publishedIso: FIXTURE_ARTICLE.publishedIso,
      contentType: 'text/html',
    });
    expect(doc.text).toContain(FIXTURE_ARTICLE.mainSentence);
    expect(doc.text).not.toContain(FIXTURE_ARTICLE.boilerplate);
    expect(doc.text).toContain('\n');
    expect(doc.markdown).toContain('## The great storm');
    expect(doc.markdown).toContain(`[records of a hundred years](${site.url('/articles/3')})`); // absolute, as in `links`
    expect(doc.wordCount).toBeGreaterThan(150);
    expect(doc.readingTime).toBe(Math.ceil(doc.wordCount / 200));
    expect(doc.links).toEqual([
      site.url('/'),
      site.url('/articles/1'),
      site.url('/articles/2'),
      site.url('/articles/3'),
      'https://example.org/tides?src=gazette',
      site.url('/about'),
    ]);
  });

  it('extracts generated 30-80 KB articles with their links', async () => {
    const result = await ctx.crawler().crawl(site.url('/articles/7'), { outputFormat: 'text' });
    expect(result.error).toBeNull();
    expect(result.document?.title).toBe('Field notes 7: on patient crawling');
    expect(result.document?.markdown).toBeNull();
    expect(result.document?.links.length).toBeGreaterThan(10);
    expect(result.document?.links.every((l) => /^https?:\/\//.test(l))).toBe(true);
    expect(result.document?.wordCount).toBeGreaterThan(3000);
  });

  it('handles XHTML, declared charsets, untyped HTML and plain text', async () => {
    const crawler = ctx.crawler();
    const xhtml = await crawler.crawl(site.url('/xhtml'));
    expect(xhtml.document).toMatchObject({ contentType: 'application/xhtml+xml', language: 'fr' });
    expect(xhtml.document?.text).toContain('Bonjour le monde');
    const latin1 = await crawler.crawl(site.url('/latin1'));
    expect(latin1.document?.text).toContain('Crème brûlée à la carte.');
    const untyped = await crawler.crawl(site.url('/no-type'));
    expect(untyped.document).toMatchObject({ contentType: 'text/html', title: 'Untyped' });
    const text = await crawler.crawl(site.url('/plain.txt'));
    expect(text.document).toMatchObject({
      contentType: 'text/plain',
      title: null,
      links: [],
      wordCount: 11,
    });
  });

  it.each([
    ['/image.png', 'image/png'],
    ['/data.json', 'application/json'],
    ['/png-as-html', 'text/html'],
  ])('refuses %s as an unsupported content type without parsing it', async (path, type) => {
    const result = await ctx.crawler().crawl(site.url(path));
    expect(result.error).toMatchObject({
      code: 'unsupported_content_type',
      retryClass: 'non-retryable',
    });
    expect(result.error?.message).toContain(type);
    expect(result.status).toBe(200);
    expect(result.document).toBeNull();
  });

  it('extracts a PDF: text per page and joined, page count and metadata', async () => {
    const result = await ctx.crawler().crawl(site.url('/doc.pdf'));
    expect(result.error).toBeNull();
    const doc = result.document!;
    expect(doc.contentType).toBe('application/pdf');
    expect(doc.pages).toBe(3);
    expect(doc.pageTexts).toEqual(FIXTURE_PDF.pages);
    expect(doc.text).toBe(FIXTURE_PDF.pages.join('\n\n'));
    expect(doc.wordCount).toBe(13);
    expect(doc.title).toBe(FIXTURE_PDF.title);
    expect(doc.byline).toBe(FIXTURE_PDF.author);
    expect(doc.pdfMetadata).toMatchObject({
      title: FIXTURE_PDF.title,
      author: FIXTURE_PDF.author,
      subject: FIXTURE_PDF.subject,
      creationDate: '2024-01-02T03:04:05.000Z',
      pdfVersion: '1.4',
    });
    expect(doc.publishedIso).toBe('2024-01-02T03:04:05.000Z');
  });

  it('recognises a PDF by its magic bytes when labelled application/octet-stream', async () => {
    const result = await ctx.crawler().crawl(site.url('/doc-unlabelled'));
    expect(result.document?.pages).toBe(3);
  });

  it('fails only the URL of a malformed PDF', async () => {
    const crawler = ctx.crawler();
    const [bad, good] = await Promise.all([
      crawler.crawl(site.url('/malformed.pdf')),
      crawler.crawl(site.url('/article')),
    ]);
    expect(bad.error).toMatchObject({
      code: 'pdf_extraction',
      retryClass: 'non-retryable',
      message: 'PDF could not be read: invalid PDF structure',
    });
    expect(good.error).toBeNull();
    expect((await crawler.crawl(site.url('/doc.pdf'))).error).toBeNull();
  });

  describe('extractPdf (bytes, e.g. base64 pdf_data)', () => {
    it('extracts given bytes and honours the page cap', async () => {
      const bytes = buildPdfDocument({ pages: ['one', 'two', 'three', 'four'], title: 'Four' });
      const doc = await ctx.crawler().extractPdf(bytes, { maxPages: 2 });
      expect(doc.pages).toBe(4);
      expect(doc.pageTexts).toEqual(['one', 'two']);
      expect(doc.title).toBe('Four');
    });

    it('counts the words of every page: empty pages stay in pageTexts, out of the text', async () => {
      const bytes = buildPdfDocument({ pages: ['one  two', '', 'three four five', 'six'] });
      const doc = await ctx.crawler().extractPdf(bytes);
      expect(doc.pageTexts).toEqual(['one two', '', 'three four five', 'six']);
      expect(doc.text).toBe('one two\n\nthree four five\n\nsix');
      // Words never run together across the separator of two pages.
      expect(doc.wordCount).toBe(6);
      expect(doc.readingTime).toBe(1);
    });

    it('refuses non-PDF bytes as non-retryable', async () => {
      await expect(
        ctx.crawler().extractPdf(Buffer.from('<html>not a pdf</html>')),
      ).rejects.toMatchObject({
        code: 'unsupported_content_type',
        retryClass: 'non-retryable',
      });
    });

    it('says that a PDF is password-protected, in its own words rather than pdf.js ones', async () => {
      const plain = Buffer.from(buildPdfDocument({ pages: ['secret'] })).toString('latin1');
      // A standard security handler whose user password is not empty: pdf.js cannot open it.
      const key = 'ab'.repeat(32);
      const id = '0123456789abcdef'.repeat(2);
      const encrypted = plain.replace(
        'trailer\n<<',
        `trailer\n<< /Encrypt << /Filter /Standard /V 1 /R 2 /Length 40 /O <${key}> /U <${key}> /P -4 >> /ID [<${id}> <${id}>]`,
      );
      expect(encrypted).not.toBe(plain);
      await expect(
        ctx.crawler().extractPdf(Buffer.from(encrypted, 'latin1')),
      ).rejects.toMatchObject({
        code: 'pdf_extraction',
        retryClass: 'non-retryable',
        message: 'PDF could not be read: it is protected by a password',
      });
    });

    it('refuses PDFs over the byte cap', async () => {
      const bytes = buildPdfDocument({ pages: ['x'] });
      await expect(ctx.crawler().extractPdf(bytes, { maxBytes: 100 })).rejects.toMatchObject({
        code: 'pdf_extraction',
      });
    });

    it('terminates the worker on abort and on its time limit', async () => {
      const bytes = buildPdfDocument({ pages: Array.from({ length: 200 }, (_, i) => `page ${i}`) });
      const crawler = ctx.crawler();
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 30);
      const started = Date.now();
      await expect(crawler.extractPdf(bytes, {}, controller.signal)).rejects.toMatchObject({
        retryClass: 'cancelled',
      });
      await expect(crawler.extractPdf(bytes, { timeoutMs: 30 })).rejects.toMatchObject({
        retryClass: 'timed-out',
      });
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it('fails a PDF that exceeds the worker heap limit without harming the process', async () => {
      const bytes = buildPdfDocument({
        pages: Array.from({ length: 400 }, (_, i) => `page ${i} `.repeat(200)),
      });
      await expect(ctx.crawler().extractPdf(bytes, { maxMemoryMb: 4 })).rejects.toMatchObject({
        code: 'pdf_extraction',
        retryClass: 'non-retryable',
      });
      expect((await ctx.crawler().extractPdf(buildPdfDocument({ pages: ['after'] }))).text).toBe(
        'after',
      );
    });
  });
});
