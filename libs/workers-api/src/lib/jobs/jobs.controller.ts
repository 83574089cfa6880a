import { Body, Controller, Delete, ForbiddenException, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CurrentPrincipal, Principal, RequireScope, tenantScopeOf } from '@riptide/auth';
import { ApiBadRequestResponse, ApiConflictResponse, ApiExtraModels, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { JobSubmission, JobValidationError, QueueService, RetryConfig, parsePriority, parseStatus } from '@riptide/queue';
import { ErrorResponseDto, CancelJobResponseDto, JobListResponseDto, JobResultResponseDto, JobStatusResponseDto, ReplayJobResponseDto, SubmitJobResponseDto } from './job-responses.dto';
import { JOB_TYPE_DOCS } from './job-type.docs';
import { jobTypeFromWire, toWireName } from './job-type.wire';
import { ListJobsQueryDto } from './list-jobs-query.dto';
import { SubmitJobDto } from './submit-job.dto';

@ApiTags('jobs')
@ApiExtraModels(...JOB_TYPE_DOCS)
@ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'Redis unreachable' })
@Controller('workers/jobs')
export class JobsController {
  constructor(private readonly queue: QueueService) {}

  @Post()
  @HttpCode(200)
  @RequireScope('jobs:write')
  @ApiOperation({ summary: 'Submit a job', description: 'The job belongs to the tenant of the key. Maintenance jobs need the admin scope.' })
  @ApiOkResponse({ type: SubmitJobResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Malformed JSON or invalid job (every problem listed)' })
  async submit(@Body() body: SubmitJobDto, @CurrentPrincipal() caller: Principal): Promise<SubmitJobResponseDto> {
    const { jobType, problems } = jobTypeFromWire(body.job_type);
    // Maintenance reaches every tenant's jobs (cleanup), so only an admin may ask for it.
    if (jobType?.type === 'maintenance' && !caller.admin) throw new ForbiddenException(MAINTENANCE_NEEDS_ADMIN);
    const submission: JobSubmission = {
      tenant: caller.tenant,
      jobType,
      priority: body.priority ? parsePriority(body.priority) : undefined,
      retryConfig: body.retry_config ? retryConfigFromWire(body.retry_config) : undefined,
      timeoutSecs: body.timeout_secs,
      scheduledAt: body.scheduled_at ? new Date(body.scheduled_at) : undefined,
      metadata: body.metadata as JobSubmission['metadata'],
    };
    // submit() validates the rest itself; only wire-level problems need merging here, so that the
    // caller still gets every problem in one answer without the happy path validating twice.
    if (problems.length) throw new JobValidationError([...problems, ...this.queue.validate(submission, toWireName)]);
    return SubmitJobResponseDto.from(await this.queue.submit(submission, toWireName));
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

const MAINTENANCE_NEEDS_ADMIN = 'Maintenance jobs need a key with the admin scope';

function retryConfigFromWire(wire: NonNullable<SubmitJobDto['retry_config']>): Partial<RetryConfig> {
  return {
    maxAttempts: wire.max_attempts,
    initialDelaySecs: wire.initial_delay_secs,
    backoffMultiplier: wire.backoff_multiplier,
    maxDelaySecs: wire.max_delay_secs,
    useJitter: wire.use_jitter,
  };
}
