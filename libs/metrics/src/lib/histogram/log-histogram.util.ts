/**
 * Fixed log-scale buckets for latency distributions kept in Redis hashes.
 *
 * Bucket 0 holds 0 ms; bucket i ≥ 1 holds [r^(i-1), r^i) ms with r = 2^(1/16), i.e. 16 buckets
 * per doubling, capped at MAX_BUCKET (about 2^31 ms, 24 days). The memory of a distribution is
 * therefore bounded (at most MAX_BUCKET + 1 fields per job type) whatever the number of jobs.
 *
 * A percentile is reported as the geometric middle of the bucket holding the nearest-rank
 * observation, so its relative error is at most √r − 1 ≈ 2.19 % (PERCENTILE_RELATIVE_ERROR),
 * plus the 0.01 ms rounding of the reported value.
 */
export const BUCKETS_PER_DOUBLING = 16;
export const MAX_BUCKET = 31 * BUCKETS_PER_DOUBLING + 1;
/** Upper bound of the relative error of a reported percentile: √(2^(1/16)) − 1. */
export const PERCENTILE_RELATIVE_ERROR = Math.pow(2, 1 / (2 * BUCKETS_PER_DOUBLING)) - 1;

/** The bucket of a duration in milliseconds. */
export function bucketIndex(ms: number): number {
  if (!(ms >= 1)) return 0;
  // The epsilon keeps exact powers of two in the bucket they start, despite floating point.
  const index = 1 + Math.floor(Math.log2(ms) * BUCKETS_PER_DOUBLING + 1e-9);
  return Math.min(index, MAX_BUCKET);
}

/** [lower, upper) of a bucket in milliseconds. */
export function bucketBounds(index: number): [number, number] {
  if (index <= 0) return [0, 0];
  return [
    Math.pow(2, (index - 1) / BUCKETS_PER_DOUBLING),
    Math.pow(2, index / BUCKETS_PER_DOUBLING),
  ];
}

/** The value a bucket stands for: its geometric middle (0 for bucket 0). */
export function bucketValue(index: number): number {
  if (index <= 0) return 0;
  return Math.pow(2, (index - 0.5) / BUCKETS_PER_DOUBLING);
}

/** A distribution read back from Redis: bucket index → count, with exact sum and count. */
export interface BucketCounts {
  buckets: Map<number, number>;
  count: number;
  sumMs: number;
}

export const emptyCounts = (): BucketCounts => ({ buckets: new Map(), count: 0, sumMs: 0 });

/** Adds `other` into `into` (used to build the all-types distribution). */
export function mergeCounts(into: BucketCounts, other: BucketCounts): BucketCounts {
  for (const [index, n] of other.buckets)
    into.buckets.set(index, (into.buckets.get(index) ?? 0) + n);
  into.count += other.count;
  into.sumMs += other.sumMs;
  return into;
}

/**
 * Nearest-rank percentile (the smallest observation with at least p % of observations at or
 * below it), estimated from the buckets; 0 when there are no observations.
 */
export function percentile(counts: BucketCounts, p: number): number {
  const total = [...counts.buckets.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const index of [...counts.buckets.keys()].sort((a, b) => a - b)) {
    seen += counts.buckets.get(index) ?? 0;
    if (seen >= rank) return round2(bucketValue(index));
  }
  return 0;
}

export function average(counts: BucketCounts): number {
  return counts.count === 0 ? 0 : round2(counts.sumMs / counts.count);
}

export const round2 = (value: number): number => Math.round(value * 100) / 100;
