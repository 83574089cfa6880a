import { SetMetadata } from '@nestjs/common';
import { JOB_HANDLER_METADATA } from '../queue.constants';
import { HandledJobTypeName, JobHandlerTarget } from './job-handler.interface';

/** Marks a provider method as the handler of a built-in job type (`single_crawl`, …). */
export const JobHandler = (type: HandledJobTypeName): MethodDecorator =>
  SetMetadata<string, JobHandlerTarget>(JOB_HANDLER_METADATA, { kind: 'type', type });

/** Marks a provider method as the handler of custom jobs with this `job_name`. */
export const CustomJobHandler = (jobName: string): MethodDecorator =>
  SetMetadata<string, JobHandlerTarget>(JOB_HANDLER_METADATA, { kind: 'custom', jobName });
