import { DEFAULT_JOB_LIMITS } from './job-limits.interface';
import { validateJobSubmission } from './job-validation.util';

describe('validateJobSubmission: pdf_data', () => {
  const limits = { ...DEFAULT_JOB_LIMITS, maxPdfBytes: 100 };
  const pdf = (bytes: number) => ({
    jobType: { type: 'pdf_extraction' as const, pdfData: Buffer.alloc(bytes, 7).toString('base64') },
  });

  it('accepts pdf_data up to the cap, whatever its base64 padding', () => {
    for (const bytes of [1, 98, 99, 100]) expect(validateJobSubmission(pdf(bytes), limits)).toEqual([]);
  });

  it('refuses pdf_data over the cap, naming the field and the cap', () => {
    for (const bytes of [101, 102, 103, 5000]) {
      expect(validateJobSubmission(pdf(bytes), limits)).toEqual(['jobType.pdfData must decode to at most 100 bytes']);
    }
  });

  it('refuses pdf_data that is not base64', () => {
    expect(validateJobSubmission({ jobType: { type: 'pdf_extraction', pdfData: 'not base64!' } }, limits)).toEqual([
      'jobType.pdfData must be non-empty base64',
    ]);
  });
});

describe('validateJobSubmission: tenant', () => {
  const job = (tenant?: string) => ({ jobType: { type: 'custom' as const, jobName: 'echo' }, tenant });

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
