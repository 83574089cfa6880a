import { JobAbort } from './job-abort';

describe('JobAbort', () => {
  it('ends the race with the reason as soon as the attempt is aborted', async () => {
    const abort = new JobAbort();
    const reason = new Error('cancelled');
    const raced = abort.race(new Promise<never>(() => undefined));
    abort.abort(reason);
    await expect(raced).rejects.toBe(reason);
    expect(abort.reason).toBe(reason);
  });

  it('settles with the work when it ends first, and passes its failure on as an Error', async () => {
    const abort = new JobAbort();
    await expect(abort.race(Promise.resolve(42))).resolves.toBe(42);
    await expect(abort.race(Promise.reject('plain text'))).rejects.toThrow('plain text');
    expect(abort.reason).toBeUndefined();
  });

  it('keeps the first reason, and refuses a race started after the abort', async () => {
    const abort = new JobAbort();
    const first = new Error('timeout');
    abort.abort(first);
    abort.abort(new Error('cancelled'));
    expect(abort.reason).toBe(first);
    await expect(abort.race(Promise.resolve(1))).rejects.toBe(first);
  });

  it('hands out a signal that follows the abort, whether read before or after it', () => {
    const before = new JobAbort();
    const signal = before.signal;
    const seen: unknown[] = [];
    signal.addEventListener('abort', () => seen.push(signal.reason));
    const reason = new Error('shutdown');
    before.abort(reason);
    expect(signal.aborted).toBe(true);
    expect(seen).toEqual([reason]);
    expect(before.signal).toBe(signal);

    const after = new JobAbort();
    after.abort(reason);
    expect(after.signal.aborted).toBe(true);
    expect(after.signal.reason).toBe(reason);
  });
});
