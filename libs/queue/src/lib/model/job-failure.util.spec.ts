import { NonRetryableJobError } from '../errors/non-retryable-job.error';
import { RetryableJobError } from '../errors/retryable-job.error';
import { decodeJobFailure, encodeJobFailure } from './job-failure.util';

describe('job failure encoding', () => {
  it('stores a plain error as its message, as before', () => {
    expect(encodeJobFailure(new Error('boom'))).toBe('boom');
    expect(decodeJobFailure('boom')).toEqual({ message: 'boom', errorCode: null, data: null });
    expect(decodeJobFailure('')).toBeNull();
  });

  it('keeps the code and data an error declares beside its message', () => {
    const error = new NonRetryableJobError('Every URL failed', {
      errorCode: 'all_urls_failed',
      data: { failed: 2 },
    });
    expect(decodeJobFailure(encodeJobFailure(error))).toEqual({
      message: 'Every URL failed',
      errorCode: 'all_urls_failed',
      data: { failed: 2 },
    });
    const retryable = new RetryableJobError('Network error: the host name could not be resolved', {
      errorCode: 'dns',
    });
    expect(decodeJobFailure(encodeJobFailure(retryable))).toEqual({
      message: retryable.message,
      errorCode: 'dns',
      data: null,
    });
  });

  it('reads a message that merely looks like JSON as text', () => {
    expect(decodeJobFailure('{"a":1}')).toEqual({
      message: '{"a":1}',
      errorCode: null,
      data: null,
    });
  });
});
