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
