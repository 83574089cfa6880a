export { WorkersApiModule } from './lib/workers-api.module';
export { ApiExceptionFilter, errorBody, registerDomainError, toErrorBody } from './lib/errors/api-exception.filter';
export type { ApiErrorBody } from './lib/errors/api-exception.filter';
export { setupWorkersApiDocs, useApiErrorShapeForFastify } from './lib/http/configure-http';
export { createValidationPipe } from './lib/http/validation.pipe';
export { ErrorResponseDto } from './lib/jobs/job-responses.dto';
export { jobTypeFromWire, jobTypeToWire, toWireName, BROWSER_ONLY_CRAWL_OPTIONS } from './lib/jobs/job-type.wire';
export { RetryConfigDto } from './lib/jobs/submit-job.dto';
export { JOB_TYPE_DOCS } from './lib/jobs/job-type.docs';
