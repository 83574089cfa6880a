import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { HandlerRegistryError } from '../errors/handler-registry.error';
import { JobHandlerMissingError } from '../errors/job-handler-missing.error';
import { JobType } from '../model/job.interface';
import { JOB_HANDLER_METADATA } from '../queue.constants';
import { QueueMessages } from '../queue.messages';
import {
  CustomJobHandlerFn,
  HandledJobTypeName,
  JobContext,
  JobHandlerTarget,
  JobTypeHandler,
} from './job-handler.interface';

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
        const targets =
          this.reflector.get<JobHandlerTarget[] | undefined>(
            JOB_HANDLER_METADATA,
            fn as () => unknown,
          ) ?? [];
        const source = `${wrapper.name}.${method}`;
        const keys = targets.map(keyOf);
        const stacked = keys.find((key, i) => keys.indexOf(key) !== i);
        if (stacked) throw new HandlerRegistryError(QueueMessages.stackedHandler(stacked, source));
        for (const target of targets)
          this.register(target, (fn as JobTypeHandler).bind(instance), source);
      }
    }
  }

  /** Registers a handler by hand (the decorators call this through discovery). */
  register(
    target: JobHandlerTarget,
    fn: JobTypeHandler | CustomJobHandlerFn,
    source = 'anonymous',
  ): void {
    const [map, key] =
      target.kind === 'type'
        ? [this.typeHandlers as Map<string, Registered<unknown>>, target.type]
        : [this.customHandlers as Map<string, Registered<unknown>>, target.jobName];
    const existing = map.get(key);
    if (existing)
      throw new HandlerRegistryError(
        QueueMessages.duplicateHandler(keyOf(target), existing.source, source),
      );
    map.set(key, { fn, source });
  }

  /** Throws at boot when there is no handler at all: a worker must be able to run something. */
  assertNotEmpty(): void {
    if (!this.typeHandlers.size && !this.customHandlers.size)
      throw new HandlerRegistryError(QueueMessages.noHandlers);
  }

  /** Every job type this process can run: built-in type names and `custom:<job_name>`, sorted. */
  get handledTypes(): string[] {
    return [
      ...this.typeHandlers.keys(),
      ...[...this.customHandlers.keys()].map((name) => `custom:${name}`),
    ].sort();
  }

  /**
   * Runs the handler for this job. A type this process has no handler for fails the attempt with a
   * retryable JobHandlerMissingError: the job goes back, after its backoff, for a worker that has one.
   */
  run(jobType: JobType, context: JobContext): Promise<unknown> {
    if (jobType.type === 'custom') {
      const handler = this.customHandlers.get(jobType.jobName);
      if (!handler) throw this.missing(`custom:${jobType.jobName}`, context);
      return handler.fn(jobType.payload, context);
    }
    const handler = this.typeHandlers.get(jobType.type);
    if (!handler) throw this.missing(jobType.type, context);
    return handler.fn(jobType, context);
  }

  private missing(type: string, context: JobContext): JobHandlerMissingError {
    return new JobHandlerMissingError(
      QueueMessages.handlerMissingHere(type, context.workerId, this.handledTypes),
    );
  }
}

/** How a target is named in messages and in the handled-types set. */
function keyOf(target: JobHandlerTarget): string {
  return target.kind === 'type' ? target.type : `custom:${target.jobName}`;
}
