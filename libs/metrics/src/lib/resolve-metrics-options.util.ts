import {
  DEFAULT_EVENT_LOOP_DELAY_THRESHOLD_MS,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  DEFAULT_MISSED_HEARTBEATS,
  DEFAULT_QUEUE_STALL_AFTER_MS,
} from './metrics.constants';
import { MetricsMessages } from './metrics.messages';
import { MetricsModuleOptions, ResolvedMetricsOptions } from './metrics-options.interface';
import { MetricsOptionsError } from './metrics-options.error';

export function resolveMetricsOptions(options: MetricsModuleOptions = {}): ResolvedMetricsOptions {
  const resolved: ResolvedMetricsOptions = {
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
    missedHeartbeats: options.missedHeartbeats ?? DEFAULT_MISSED_HEARTBEATS,
    queueStallAfterMs: options.queueStallAfterMs ?? DEFAULT_QUEUE_STALL_AFTER_MS,
    eventLoopDelayThresholdMs:
      options.eventLoopDelayThresholdMs ?? DEFAULT_EVENT_LOOP_DELAY_THRESHOLD_MS,
    prometheusPrefix: options.prometheusPrefix ?? 'riptide_',
    defaultMetrics: options.defaultMetrics ?? true,
    scheduler: options.scheduler,
    embeddedRedis: options.embeddedRedis,
  };
  const positive: (keyof ResolvedMetricsOptions)[] = [
    'heartbeatIntervalMs',
    'queueStallAfterMs',
    'eventLoopDelayThresholdMs',
  ];
  for (const name of positive)
    if (!Number.isFinite(resolved[name]) || (resolved[name] as number) <= 0)
      throw new MetricsOptionsError(
        MetricsMessages.invalidOption(name, 'must be a number above 0'),
      );
  if (!Number.isInteger(resolved.missedHeartbeats) || resolved.missedHeartbeats < 1)
    throw new MetricsOptionsError(
      MetricsMessages.invalidOption('missedHeartbeats', 'must be an integer of at least 1'),
    );
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(resolved.prometheusPrefix))
    throw new MetricsOptionsError(
      MetricsMessages.invalidOption(
        'prometheusPrefix',
        'must be a valid Prometheus metric name prefix',
      ),
    );
  return resolved;
}
