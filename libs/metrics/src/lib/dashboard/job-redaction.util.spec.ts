import { REDACTED, redactJobData, redactJobResult } from './job-redaction.util';

describe('redactJobData', () => {
  const record = {
    jobType: { type: 'pdf_extraction', pdfData: 'JVBERi0xLjQK', options: { maxPages: 2 } },
    priority: 'Normal',
    metadata: { a: 1 },
  };

  it("replaces a pdf_extraction job's base64 PDF and keeps everything else", () => {
    const data = { searchText: 'id a', record };
    expect(redactJobData(data)).toEqual({
      searchText: 'id a',
      record: {
        ...record,
        jobType: { type: 'pdf_extraction', pdfData: REDACTED, options: { maxPages: 2 } },
      },
    });
    // A copy: the job bull holds keeps its PDF.
    expect(record.jobType.pdfData).toBe('JVBERi0xLjQK');
  });

  it('passes jobs without PDF bytes, and data of other shapes, unchanged', () => {
    const byUrl = {
      searchText: 'id',
      record: { ...record, jobType: { type: 'pdf_extraction', url: 'https://example.org/a.pdf' } },
    };
    expect(redactJobData(byUrl)).toBe(byUrl);
    for (const other of [
      null,
      undefined,
      'text',
      3,
      [],
      {},
      { record: null },
      { record: { jobType: 'x' } },
    ])
      expect(redactJobData(other)).toBe(other);
  });
});

describe('redactJobResult', () => {
  it('keeps the summary fields and replaces the result body', () => {
    const stored = {
      data: { pages: ['long text'] },
      processingTimeMs: 12,
      workerId: 'host:1:abc',
      completedAt: 1700000000000,
    };
    expect(redactJobResult(stored)).toEqual({
      processingTimeMs: 12,
      workerId: 'host:1:abc',
      completedAt: 1700000000000,
      data: REDACTED,
    });
    expect(
      redactJobResult({ external: true, processingTimeMs: 1, workerId: 'w', completedAt: 2 }),
    ).toEqual({ external: true, processingTimeMs: 1, workerId: 'w', completedAt: 2 });
  });

  it('drops unknown fields and replaces values that are not objects', () => {
    expect(redactJobResult({ secret: 'x', processingTimeMs: 3 })).toEqual({ processingTimeMs: 3 });
    expect(redactJobResult('a body')).toBe(REDACTED);
    expect(redactJobResult([1, 2])).toBe(REDACTED);
    expect(redactJobResult(null)).toBeNull();
    expect(redactJobResult(undefined)).toBeUndefined();
  });
});
