import { deriveStatus, parseStatus } from './job-status.util';

describe('job status', () => {
  it('derives SPEC statuses from where bull keeps the job', () => {
    expect(deriveStatus('waiting', 0, null)).toBe('Pending');
    expect(deriveStatus('delayed', 0, null)).toBe('Delayed');
    expect(deriveStatus('delayed', 1, null)).toBe('Retrying');
    expect(deriveStatus('active', 2, null)).toBe('Processing');
    expect(deriveStatus('completed', 1, null)).toBe('Completed');
    expect(deriveStatus('failed', 3, null)).toBe('DeadLetter');
    expect(deriveStatus('failed', 1, 'Failed')).toBe('Failed');
    expect(deriveStatus('failed', 0, 'Cancelled')).toBe('Cancelled');
  });

  it('parses any case and the documented aliases', () => {
    expect(parseStatus('pending')).toBe('Pending');
    expect(parseStatus('DEADLETTER')).toBe('DeadLetter');
    expect(parseStatus('dead_letter')).toBe('DeadLetter');
    expect(parseStatus('retry')).toBe('Retrying');
    expect(parseStatus('delayed')).toBe('Delayed');
    expect(parseStatus('bogus')).toBeUndefined();
  });
});
