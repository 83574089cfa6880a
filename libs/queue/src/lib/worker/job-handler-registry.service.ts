import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { HandlerRegistryError } from '../errors/handler-registry.error';
import { NonRetryableJobError } from '../errors/non-retryable-job.error';
import { BUILT_IN_JOB_TYPES, JobType } from '../model/job.interface';
import { JOB_HANDLER_METADATA } from '../queue.constants';
import { QueueMessages } from '../queue.messages';
import { CustomJobHandlerFn, HandledJobTypeName, JobContext, JobHandlerTarget, JobTypeHandler } from './job-handler.interface';

interface Registered<F> {
  fn: F;
  source: string;
}

/** Job type → handler, and custom job_name → handler, discovered from @JobHandler methods. */
@Injectable()
export class JobHandlerRegistry implements OnModuleInit {
  private readonly typeHandlers = new Map<HandledJobTypeName, Registered<JobTypeHandler>>();
  private readonly customHandlers = new Map<string, Registered<CustomJobHandlerFn>>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn = instance[method];
        if (typeof fn !== 'function') continue;
        const targets = this.reflector.get<JobHandlerTarget[] | undefined>(JOB_HANDLER_METADATA, fn as () => unknown) ?? [];
        const source = `${wrapper.name}.${method}`;
        const keys = targets.map(keyOf);
        const stacked = keys.find((key, i) => keys.indexOf(key) !== i);
        if (stacked) throw new HandlerRegistryError(QueueMessages.stackedHandler(stacked, source));
        for (const target of targets) this.register(target, (fn as JobTypeHandler).bind(instance), source);
      }
    }
  }

  /** Registers a handler by hand (the decorators call this through discovery). */
  register(target: JobHandlerTarget, fn: JobTypeHandler | CustomJobHandlerFn, source = 'anonymous'): void {
    const [map, key] =
      target.kind === 'type'
        ? [this.typeHandlers as Map<string, Registered<unknown>>, target.type]
        : [this.customHandlers as Map<string, Registered<unknown>>, target.jobName];
    const existing = map.get(key);
    if (existing) throw new HandlerRegistryError(QueueMessages.duplicateHandler(keyOf(target), existing.source, source));
    map.set(key, { fn, source });
  }

  /** Throws at boot when a built-in job type has no handler. */
  assertComplete(): void {
    const missing = BUILT_IN_JOB_TYPES.filter((type) => !this.typeHandlers.has(type as HandledJobTypeName));
    if (missing.length) throw new HandlerRegistryError(QueueMessages.missingHandlers(missing));
  }

  get customJobNames(): string[] {
    return [...this.customHandlers.keys()].sort();
  }

  /** Runs the handler for this job; an unknown custom job_name is a non-retryable failure. */
  run(jobType: JobType, context: JobContext): Promise<unknown> {
    if (jobType.type === 'custom') {
      const handler = this.customHandlers.get(jobType.jobName);
      if (!handler) throw new NonRetryableJobError(QueueMessages.unknownCustomJob(jobType.jobName, this.customJobNames));
      return handler.fn(jobType.payload, context);
    }
    const handler = this.typeHandlers.get(jobType.type);
    if (!handler) throw new NonRetryableJobError(QueueMessages.missingHandlers([jobType.type]));
    return handler.fn(jobType, context);
  }
}

/** How a target is named in messages. */
function keyOf(target: JobHandlerTarget): string {
  return target.kind === 'type' ? target.type : `custom:${target.jobName}`;
}
