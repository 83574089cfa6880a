import { JOB_HANDLER_METADATA } from '../queue.constants';
import { HandledJobTypeName, JobHandlerTarget } from './job-handler.interface';

/**
 * Adds a target to the method's list instead of replacing it, so that two decorators stacked on
 * one method reach the registry, which refuses them at boot rather than silently keeping one.
 */
const handles =
  (target: JobHandlerTarget): MethodDecorator =>
  (_prototype, _key, descriptor) => {
    const method = descriptor.value as object;
    const targets =
      (Reflect.getMetadata(JOB_HANDLER_METADATA, method) as JobHandlerTarget[] | undefined) ?? [];
    Reflect.defineMetadata(JOB_HANDLER_METADATA, [...targets, target], method);
    return descriptor;
  };

/** Marks a provider method as the handler of a built-in job type (`single_crawl`, …). */
export const JobHandler = (type: HandledJobTypeName): MethodDecorator =>
  handles({ kind: 'type', type });

/** Marks a provider method as the handler of custom jobs with this `job_name`. */
export const CustomJobHandler = (jobName: string): MethodDecorator =>
  handles({ kind: 'custom', jobName });
