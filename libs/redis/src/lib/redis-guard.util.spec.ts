import { isOutOfMemoryError } from './redis-guard.util';

describe('isOutOfMemoryError', () => {
  const oom = "OOM command not allowed when used memory > 'maxmemory'.";

  it('knows the refusal as a plain reply, from a Redis 7 script and wrapped by a Redis 6 script', () => {
    expect(isOutOfMemoryError(new Error(oom))).toBe(true);
    expect(isOutOfMemoryError(new Error(`${oom} script: 0123abcd, on @user_script:5.`))).toBe(true);
    expect(
      isOutOfMemoryError(
        new Error(`ERR Error running script (call to f_0123): @user_script:5: -${oom}`),
      ),
    ).toBe(true);
  });

  it('knows a MULTI that Redis discarded because a queued command was refused', () => {
    const aborted = Object.assign(
      new Error('EXECABORT Transaction discarded because of previous errors.'),
      { previousErrors: [new Error(oom)] },
    );
    expect(isOutOfMemoryError(aborted)).toBe(true);
    const otherwise = Object.assign(
      new Error('EXECABORT Transaction discarded because of previous errors.'),
      { previousErrors: [new Error('ERR wrong number of arguments')] },
    );
    expect(isOutOfMemoryError(otherwise)).toBe(false);
  });

  it('does not mistake other errors, or data that mentions OOM, for it', () => {
    expect(isOutOfMemoryError(new Error('Connection is closed.'))).toBe(false);
    expect(isOutOfMemoryError(new Error('ERR value BOOM command not allowed'))).toBe(false);
    expect(isOutOfMemoryError('OOM command not allowed')).toBe(false);
  });
});
