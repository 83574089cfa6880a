import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { DEFAULT_JOB_LIMITS } from './model/job-limits.interface';
import { QueueModuleOptions, ResolvedQueueOptions } from './queue-options.interface';
import { RIPTIDE_QUEUE_NAME } from './queue.constants';
import { ClusterHashTagError } from './errors/cluster-hash-tag.error';
import { hashTagOf, isClusterUrl } from '@riptide/redis';

/**
 * Applies every documented default once, so services never repeat `??` chains. Throws
 * ClusterHashTagError for a Cluster URL with a prefix whose keys would not share a slot.
 */
export function resolveQueueOptions(options: QueueModuleOptions): ResolvedQueueOptions {
  const worker = options.worker;
  const prefix = options.prefix ?? 'riptide';
  if (isClusterUrl(options.redisUrl) && hashTagOf(prefix) === null)
    throw new ClusterHashTagError(prefix);
  return {
    redisUrl: options.redisUrl,
    prefix,
    queueName: RIPTIDE_QUEUE_NAME,
    resultTtlSecs: options.resultTtlSecs ?? 3600,
    completedTtlSecs: options.completedTtlSecs ?? 86400,
    failedTtlSecs: options.failedTtlSecs ?? 604800,
    limits: { ...DEFAULT_JOB_LIMITS, ...options.limits },
    commandTimeoutMs: options.commandTimeoutMs ?? 1500,
    replicaWait: {
      replicas: options.replicaWait?.replicas ?? 0,
      timeoutMs: options.replicaWait?.timeoutMs ?? 1000,
    },
    worker: {
      poolSize: worker?.poolSize ?? 0,
      workerId:
        worker?.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
      lockDurationMs: worker?.lockDurationMs ?? 30000,
      stalledIntervalMs: worker?.stalledIntervalMs ?? 30000,
      maxStalledCount: worker?.maxStalledCount ?? 2,
      shutdownGraceMs: worker?.shutdownGraceMs ?? 25000,
    },
  };
}
