import { hostname } from 'node:os';
import { SchedulerModuleOptions, ResolvedSchedulerOptions } from './scheduler-options.interface';
import { DEFAULT_MAX_SCHEDULES } from './scheduler.constants';

/** Applies every documented default once. */
export function resolveSchedulerOptions(options: SchedulerModuleOptions): ResolvedSchedulerOptions {
  return {
    redisUrl: options.redisUrl,
    prefix: options.prefix ?? 'riptide',
    maxSchedules: options.maxSchedules ?? DEFAULT_MAX_SCHEDULES,
    minIntervalSecs: options.minIntervalSecs ?? 1,
    enabled: options.enabled ?? true,
    commandTimeoutMs: options.commandTimeoutMs ?? 1500,
    tickMs: options.tickMs ?? 250,
    claimLeaseMs: options.claimLeaseMs ?? 15000,
    fireLogSize: options.fireLogSize ?? 1000,
    instanceId: options.instanceId ?? `${hostname()}:${process.pid}`,
    replicaWait: {
      replicas: options.replicaWait?.replicas ?? 0,
      timeoutMs: options.replicaWait?.timeoutMs ?? 1000,
    },
  };
}
