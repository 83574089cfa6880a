export { WorkersApiModule } from './lib/workers-api.module';
export type { WorkersApiOptions } from './lib/workers-api-options.interface';
export { BulkSubmitDto, BulkSubmitResponseDto, MAX_BULK_JOBS } from './lib/jobs/bulk-submit.dto';
export {
  ApiExceptionFilter,
  errorBody,
  registerDomainError,
  toErrorBody,
} from './lib/errors/api-exception.filter';
export type { ApiErrorBody } from './lib/errors/api-exception.filter';
export { setupWorkersApiDocs, useApiErrorShapeForFastify } from './lib/http/configure-http';
export { createValidationPipe } from './lib/http/validation.pipe';
export { UseApiContract } from './lib/http/api-contract.decorator';
export { ErrorResponseDto, QueueStatsResponseDto } from './lib/jobs/job-responses.dto';
export {
  jobTypeFromWire,
  jobTypeToWire,
  toWireName,
  BROWSER_ONLY_CRAWL_OPTIONS,
} from './lib/jobs/job-type.wire';
export { RetryConfigDto } from './lib/jobs/submit-job.dto';
export { JOB_TYPE_DOCS } from './lib/jobs/job-type.docs';
export {
  CreateScheduleDto,
  UpdateScheduleDto,
  ScheduleResponseDto,
  TriggerScheduleResponseDto,
} from './lib/schedules/schedule.dto';
