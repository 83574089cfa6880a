import { Body, Controller, Delete, ForbiddenException, Get, Headers, HttpCode, HttpStatus, Param, Post, Query, Res } from '@nestjs/common';
import { CurrentPrincipal, Principal, RequireScope, tenantScopeOf } from '@riptide/auth';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiExtraModels,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { JobValidationError, QueueService, TenantQuotaError, parseStatus } from '@riptide/queue';
import { registerDomainError } from '../errors/api-exception.filter';
import { IdempotentRequests } from '../idempotency/idempotent-requests.service';
import { BulkSubmission } from '../submissions/bulk-submission.service';
import { SubmissionGate } from '../submissions/submission-gate.service';
import { submissionFromWire } from '../submissions/submission-wire.util';
import { BulkSubmitDto, BulkSubmitResponseDto } from './bulk-submit.dto';
import { ErrorResponseDto, CancelJobResponseDto, JobListResponseDto, JobResultResponseDto, JobStatusResponseDto, ReplayJobResponseDto, SubmitJobResponseDto } from './job-responses.dto';
import { JOB_TYPE_DOCS } from './job-type.docs';
import { toWireName } from './job-type.wire';
import { ListJobsQueryDto } from './list-jobs-query.dto';
import { SubmitJobDto } from './submit-job.dto';
import type { ReplyHeaders } from '../http/reply-headers.interface';
import { UseApiContract } from '../http/api-contract.decorator';

// A tenant at its unfinished-jobs quota may submit again once some finish: a 429, like the rate limit.
registerDomainError(TenantQuotaError, HttpStatus.TOO_MANY_REQUESTS);


@ApiTags('jobs')
@ApiExtraModels(...JOB_TYPE_DOCS, SubmitJobDto)
@ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'Redis unreachable' })
@Controller('workers/jobs')
@UseApiContract()
export class JobsController {
  constructor(
    private readonly queue: QueueService,
    private readonly gate: SubmissionGate,
    private readonly idempotency: IdempotentRequests,
    private readonly bulk: BulkSubmission,
  ) {}

  @Post()
  @HttpCode(200)
  @RequireScope('jobs:write')
  @ApiOperation({
    summary: 'Submit a job',
    description:
      'The job belongs to the tenant of the key. Maintenance jobs need the admin scope. With an `Idempotency-Key`, a repeat within IDEMPOTENCY_TTL_SECS gets the first answer (`Idempotent-Replayed: true`) and creates nothing.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: '1-255 printable ASCII characters; the same key with another body is a 422' })
  @ApiOkResponse({ type: SubmitJobResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Malformed JSON or invalid job (every problem listed)' })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: 'The Idempotency-Key was used with another body' })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto, description: "Over the key's rate limit (Retry-After) or the tenant's unfinished-jobs quota" })
  async submit(
    @Body() body: SubmitJobDto,
    @CurrentPrincipal() caller: Principal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: ReplyHeaders,
  ): Promise<SubmitJobResponseDto> {
    const { submission, problems } = submissionFromWire(body, caller.tenant);
    const refusal = this.gate.refusal(caller, submission.jobType?.type, submission.priority);
    if (refusal) throw new ForbiddenException(refusal);
    // submit() validates the rest itself; only wire-level problems need merging here, so that the
    // caller still gets every problem in one answer without the happy path validating twice.
    if (problems.length) throw new JobValidationError([...problems, ...this.queue.validate(submission, toWireName)]);
    return this.idempotency.run({ tenant: caller.tenant, key: idempotencyKey, route: 'POST /workers/jobs', body }, reply, async (idFor) => {
      await this.gate.takeRate(caller, reply, 1);
      const submitted = await this.queue.submit(submission, toWireName, { jobId: idFor(0), maxActiveJobs: this.gate.maxActiveJobs(caller) });
      return SubmitJobResponseDto.from(submitted);
    });
  }

  @Post('bulk')
  @HttpCode(200)
  @RequireScope('jobs:write')
  @ApiOperation({
    summary: 'Submit up to 1000 jobs at once',
    description:
      'Each item is shaped like the body of POST /workers/jobs and checked on its own: one bad item never refuses the others. Each item counts as one submission against the rate limit; items beyond the budget are refused with 429.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: '1-255 printable ASCII characters; the same key with another body is a 422' })
  @ApiOkResponse({ type: BulkSubmitResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Not a list of 1 to 1000 objects' })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: 'The Idempotency-Key was used with another body' })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto, description: "No submission left in the key's rate budget (Retry-After)" })
  async submitBulk(
    @Body() body: BulkSubmitDto,
    @CurrentPrincipal() caller: Principal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: ReplyHeaders,
  ): Promise<BulkSubmitResponseDto> {
    return this.idempotency.run({ tenant: caller.tenant, key: idempotencyKey, route: 'POST /workers/jobs/bulk', body }, reply, (idFor) =>
      this.bulk.submit(body.jobs, caller, reply, idFor),
    );
  }

  @Get()
  @RequireScope('jobs:read')
  @ApiOperation({ summary: 'List jobs, newest first', description: "Only the caller's tenant's jobs; an admin sees every tenant's, or one with `tenant`." })
  @ApiOkResponse({ type: JobListResponseDto })
  async list(@Query() query: ListJobsQueryDto, @CurrentPrincipal() caller: Principal): Promise<JobListResponseDto> {
    const page = await this.queue.listJobs({
      ...tenantScopeOf(caller, query.tenant),
      status: query.status ? parseStatus(query.status) : undefined,
      jobType: query.job_type,
      search: query.search,
      limit: query.limit,
      offset: query.offset,
    });
    return { jobs: page.jobs.map((job) => JobStatusResponseDto.from(job)), total: page.total, limit: page.limit, offset: page.offset };
  }

  @Get(':job_id')
  @RequireScope('jobs:read')
  @ApiOperation({ summary: 'Status of a job, read fresh' })
  @ApiOkResponse({ type: JobStatusResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: "Unknown job (another tenant's job answers the same)" })
  async status(@Param('job_id') jobId: string, @CurrentPrincipal() caller: Principal): Promise<JobStatusResponseDto> {
    return JobStatusResponseDto.from(await this.queue.getJob(jobId, tenantScopeOf(caller)));
  }

  @Get(':job_id/result')
  @RequireScope('jobs:read')
  @ApiOperation({ summary: 'Result of a finished job (kept RESULT_TTL_SECS)' })
  @ApiOkResponse({ type: JobResultResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: 'Unknown job, result not ready, or expired' })
  async result(@Param('job_id') jobId: string, @CurrentPrincipal() caller: Principal): Promise<JobResultResponseDto> {
    return JobResultResponseDto.from(await this.queue.getResult(jobId, tenantScopeOf(caller)));
  }

  @Delete(':job_id')
  @RequireScope('jobs:write')
  @ApiOperation({ summary: 'Cancel a queued or running job' })
  @ApiOkResponse({ type: CancelJobResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Already finished' })
  async cancel(@Param('job_id') jobId: string, @CurrentPrincipal() caller: Principal): Promise<CancelJobResponseDto> {
    const cancelled = await this.queue.cancel(jobId, tenantScopeOf(caller));
    return { job_id: cancelled.jobId, status: cancelled.status };
  }

  @Post(':job_id/retry')
  @HttpCode(200)
  @RequireScope('jobs:write')
  @ApiOperation({ summary: 'Replay a DeadLetter, Failed or Cancelled job' })
  @ApiOkResponse({ type: ReplayJobResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Not DeadLetter, Failed or Cancelled' })
  async replay(@Param('job_id') jobId: string, @CurrentPrincipal() caller: Principal): Promise<ReplayJobResponseDto> {
    const view = await this.queue.replay(jobId, tenantScopeOf(caller));
    return { job_id: view.jobId, status: view.status };
  }
}
