import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { JOB_NAME_PATTERN } from '../model/job-validation.util';
import { ResolvedQueueOptions } from '../queue-options.interface';
import { QUEUE_REDIS, RESOLVED_QUEUE_OPTIONS } from '../queue.constants';
import { QueueMessages } from '../queue.messages';
import { QueueKeys } from '../redis/queue-keys';
import { withRedisDeadline } from '@riptide/redis';

/**
 * The job types the workers of this queue handle. Every worker adds its types to one Redis set
 * (under the queue's prefix, so in its Cluster slot) when it starts; the set only grows, since a
 * worker that stopped may start again. Submission asks it before accepting a custom job_name, so a
 * job that no worker could ever run is refused at once instead of waiting for ever. Built-in types
 * are always accepted: the shipped worker host runs them all.
 */
@Injectable()
export class HandledJobTypes {
  private readonly keys: QueueKeys;
  /** Types seen in the set: it only grows, so they need not be read again. */
  private readonly known = new Set<string>();

  constructor(
    @Inject(RESOLVED_QUEUE_OPTIONS) private readonly options: ResolvedQueueOptions,
    @Inject(QUEUE_REDIS) private readonly redis: Redis,
  ) {
    this.keys = new QueueKeys(options.prefix, options.queueName);
  }

  /** Records that a worker of this queue handles `types` (built-in type names, `custom:<job_name>`). */
  async record(types: string[]): Promise<void> {
    if (!types.length) return;
    await withRedisDeadline(this.redis, this.options.commandTimeoutMs, () =>
      this.redis.sadd(this.keys.handledTypes, ...types),
    );
    for (const type of types) this.known.add(type);
  }

  /**
   * One problem per custom job type among `jobTypes` that no worker of this queue has ever
   * registered (empty = all can run). Malformed types are left to validation.
   */
  async problems(jobTypes: unknown[]): Promise<string[][]> {
    const names = jobTypes.map(customJobName);
    const unknown = [
      ...new Set(
        names.filter((name): name is string => name !== null && !this.known.has(`custom:${name}`)),
      ),
    ];
    if (unknown.length) {
      const members = await withRedisDeadline(this.redis, this.options.commandTimeoutMs, () =>
        this.redis.smembers(this.keys.handledTypes),
      );
      for (const member of members) this.known.add(member);
    }
    return names.map((name) =>
      name !== null && !this.known.has(`custom:${name}`)
        ? [QueueMessages.unhandledCustomType(name)]
        : [],
    );
  }
}

/** The job_name of a well-formed custom job type, else null. */
function customJobName(jobType: unknown): string | null {
  if (typeof jobType !== 'object' || jobType === null) return null;
  const { type, jobName } = jobType as { type?: unknown; jobName?: unknown };
  return type === 'custom' && typeof jobName === 'string' && JOB_NAME_PATTERN.test(jobName)
    ? jobName
    : null;
}
