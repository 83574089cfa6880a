import { PROMETHEUS_BUCKETS_SECONDS } from '../metrics.constants';
import { TypeDistribution } from '../metrics-store.service';

interface MetricValue {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

/**
 * A Prometheus histogram whose buckets come from Redis (every process's observations) rather
 * than from this process's memory. prom-client's Registry only needs `name` and `get()`.
 */
export class ClusterHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read: () => Promise<Record<string, TypeDistribution> | null>,
  ) {}

  async get(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: MetricValue[];
  }> {
    const byType = (await this.read()) ?? {};
    const values: MetricValue[] = [];
    for (const jobType of Object.keys(byType).sort()) {
      const { counts, prometheusBuckets } = byType[jobType];
      let cumulative = 0;
      PROMETHEUS_BUCKETS_SECONDS.forEach((bound, i) => {
        cumulative += prometheusBuckets[i] ?? 0;
        values.push({
          metricName: `${this.name}_bucket`,
          labels: { job_type: jobType, le: bound },
          value: cumulative,
        });
      });
      cumulative += prometheusBuckets[PROMETHEUS_BUCKETS_SECONDS.length] ?? 0;
      values.push({
        metricName: `${this.name}_bucket`,
        labels: { job_type: jobType, le: '+Inf' },
        value: cumulative,
      });
      values.push({
        metricName: `${this.name}_sum`,
        labels: { job_type: jobType },
        value: counts.sumMs / 1000,
      });
      values.push({
        metricName: `${this.name}_count`,
        labels: { job_type: jobType },
        value: counts.count,
      });
    }
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    };
  }

  reset(): void {
    // Values live in Redis; nothing to reset in memory.
  }
}
