import { prometheusBucketIndex } from './recorder/job-metrics-recorder.service';
import { PROMETHEUS_BUCKETS_SECONDS } from './metrics.constants';
import { MetricsOptionsError } from './metrics-options.error';
import { successRate } from './metrics.service';
import { zeroCounters } from './metrics-store.service';
import { resolveMetricsOptions } from './resolve-metrics-options.util';

describe('resolveMetricsOptions', () => {
  it('applies the documented defaults', () => {
    expect(resolveMetricsOptions({})).toEqual({
      heartbeatIntervalMs: 5000,
      missedHeartbeats: 3,
      queueStallAfterMs: 60000,
      eventLoopDelayThresholdMs: 1000,
      prometheusPrefix: 'riptide_',
      defaultMetrics: true,
      scheduler: undefined,
    });
  });

  it('refuses out-of-range values at boot with the option named', () => {
    expect(() => resolveMetricsOptions({ heartbeatIntervalMs: 0 })).toThrow(
      new MetricsOptionsError('MetricsModule option heartbeatIntervalMs must be a number above 0'),
    );
    expect(() => resolveMetricsOptions({ missedHeartbeats: 1.5 })).toThrow(
      'MetricsModule option missedHeartbeats must be an integer of at least 1',
    );
    expect(() => resolveMetricsOptions({ prometheusPrefix: 'bad-prefix' })).toThrow(
      'prometheusPrefix must be a valid Prometheus metric name prefix',
    );
  });
});

describe('success rate', () => {
  it('is completed over finished jobs, in percent, and 100 before anything finished', () => {
    expect(successRate(zeroCounters())).toBe(100);
    expect(successRate({ ...zeroCounters(), completed: 2, failed: 1 })).toBe(66.67);
    expect(successRate({ ...zeroCounters(), completed: 0, dead_letter: 3, retried: 9 })).toBe(0);
    expect(successRate({ ...zeroCounters(), completed: 5, cancelled: 5 })).toBe(100);
  });
});

describe('Prometheus buckets', () => {
  it('puts a duration in the first bucket whose bound holds it, else +Inf', () => {
    expect(prometheusBucketIndex(0)).toBe(0);
    expect(prometheusBucketIndex(5)).toBe(0);
    expect(prometheusBucketIndex(6)).toBe(1);
    expect(prometheusBucketIndex(1000)).toBe(PROMETHEUS_BUCKETS_SECONDS.indexOf(1));
    expect(prometheusBucketIndex(7200_000)).toBe(PROMETHEUS_BUCKETS_SECONDS.length);
  });
});
