import { StreamFlusher } from './event-stream';

/** A stream stand-in that counts its flushes. */
function counter() {
  return {
    flushes: 0,
    flush() {
      this.flushes += 1;
    },
  };
}

describe('StreamFlusher', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('writes at once after a quiet spell, each stream once however often it was scheduled', () => {
    const flusher = new StreamFlusher(10);
    const a = counter();
    const b = counter();
    flusher.schedule(a);
    flusher.schedule(a);
    flusher.schedule(b);
    expect(a.flushes).toBe(0);
    jest.advanceTimersByTime(0);
    expect([a.flushes, b.flushes]).toEqual([1, 1]);
  });

  it('under a steady flow, runs at most one round per interval', () => {
    const flusher = new StreamFlusher(10);
    const a = counter();
    flusher.schedule(a);
    jest.advanceTimersByTime(0);
    expect(a.flushes).toBe(1);
    // Within the interval of that round: held until the interval is up, then one round for all.
    jest.advanceTimersByTime(3);
    flusher.schedule(a);
    jest.advanceTimersByTime(5);
    flusher.schedule(a);
    expect(a.flushes).toBe(1);
    jest.advanceTimersByTime(1);
    expect(a.flushes).toBe(1);
    jest.advanceTimersByTime(1);
    expect(a.flushes).toBe(2);
  });

  it('with an interval of 0, rounds follow the I/O that scheduled them', () => {
    const flusher = new StreamFlusher(0);
    const a = counter();
    flusher.schedule(a);
    jest.advanceTimersByTime(0);
    flusher.schedule(a);
    jest.advanceTimersByTime(0);
    expect(a.flushes).toBe(2);
  });

  it('joins the same run of frames once per round, and different runs apart', () => {
    const flusher = new StreamFlusher(10);
    const [a, b, c] = ['a', 'b', 'c'].map((text) => Buffer.from(text));
    const first = flusher.join([a, b, c]);
    expect(first.toString()).toBe('abc');
    expect(flusher.join([a, b, c])).toBe(first);
    expect(flusher.join([a, c]).toString()).toBe('ac');
    expect(flusher.join([b])).toBe(b);
  });
});
