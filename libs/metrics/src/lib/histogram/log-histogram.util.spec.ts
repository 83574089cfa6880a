import {
  BucketCounts,
  MAX_BUCKET,
  PERCENTILE_RELATIVE_ERROR,
  bucketBounds,
  bucketIndex,
  emptyCounts,
  percentile,
} from './log-histogram.util';

function countsOf(values: number[]): BucketCounts {
  const counts = emptyCounts();
  for (const v of values) {
    const i = bucketIndex(v);
    counts.buckets.set(i, (counts.buckets.get(i) ?? 0) + 1);
    counts.count++;
    counts.sumMs += v;
  }
  return counts;
}

function exactPercentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

describe('log-scale histogram', () => {
  it('puts every value inside the bounds of its bucket', () => {
    for (const v of [1, 1.5, 2, 3, 7, 64, 100, 999, 1000, 1024, 65536, 123456.7, 3.6e6]) {
      const [lo, hi] = bucketBounds(bucketIndex(v));
      expect(v).toBeGreaterThanOrEqual(lo);
      expect(v).toBeLessThan(hi);
    }
    expect(bucketIndex(0)).toBe(0);
    expect(bucketIndex(0.4)).toBe(0);
    expect(bucketIndex(1e12)).toBe(MAX_BUCKET);
  });

  it('documents a percentile error bound of about 2.2 %', () => {
    expect(PERCENTILE_RELATIVE_ERROR).toBeCloseTo(0.0219, 4);
  });

  it('estimates p50/p95/p99 within the bound for many distributions', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let run = 0; run < 50; run++) {
      const values = Array.from({ length: 1 + Math.floor(random() * 500) }, () =>
        Math.round(1 + random() ** 3 * 60000),
      );
      const counts = countsOf(values);
      for (const p of [50, 95, 99]) {
        const exact = exactPercentile(values, p);
        const estimate = percentile(counts, p);
        expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(
          exact * PERCENTILE_RELATIVE_ERROR + 0.01,
        );
      }
    }
  });

  it('answers 0 for an empty distribution and for zero durations', () => {
    expect(percentile(emptyCounts(), 99)).toBe(0);
    expect(percentile(countsOf([0, 0, 0]), 50)).toBe(0);
  });
});
