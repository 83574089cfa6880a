import {
  Body,
  Controller,
  Delete,
  ForbiddenException,
  Get,
  Headers,
  HttpCode,
  Optional,
  HttpStatus,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiErrorResponse,
  CurrentPrincipal,
  Principal,
  RequireScope,
  tenantScopeOf,
} from '@riptide/auth';
import { ApiExtraModels, ApiHeader, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { JobValidationError, QueueService, TenantQuotaError, parseStatus } from '@riptide/queue';
import { registerDomainError } from '../errors/api-exception.filter';
import { AcceptsJson } from '../http/accepts-json.decorator';
import { IdempotentRequests } from '../idempotency/idempotent-requests.service';
import { BulkSubmission } from '../submissions/bulk-submission.service';
import { SubmissionGate } from '../submissions/submission-gate.service';
import { readSubmission } from '../submissions/submission-wire.util';
import { createValidationPipe } from '../http/validation.pipe';
import { BulkSubmitDto, BulkSubmitResponseDto } from './bulk-submit.dto';
import {
  CancelJobResponseDto,
  JobListResponseDto,
  JobResultResponseDto,
  JobStatusResponseDto,
  ReplayJobResponseDto,
  SubmitJobResponseDto,
} from './job-responses.dto';
import { JOB_TYPE_DOCS } from './job-type.docs';
import { BatchCrawlResponseDoc, CrawlResultDoc } from './crawl-result.docs';
import { toWireName } from './job-type.wire';
import { ListJobsQueryDto } from './list-jobs-query.dto';
import { SubmitJobDto } from './submit-job.dto';
import type { ReplyHeaders } from '../http/reply-headers.interface';
import {
  ApiJsonBody,
  ApiOk,
  ApiStoreUnavailable,
  EXAMPLE_JOB_ID,
} from '../docs/api-docs.decorators';
import {
  BULK_EXAMPLES,
  IDEMPOTENCY_ERRORS,
  JOB_ID_PARAM,
  JOB_NOT_FOUND,
  SUBMISSION_EXAMPLES,
  SUBMIT_FORBIDDEN,
  SUBMIT_INVALID,
  SUBMIT_TOO_MANY,
} from './jobs.docs';
import { UseApiContract } from '../http/api-contract.decorator';
import { WebhookDeliveries } from '@riptide/webhooks';
import { WebhookSubmission } from '../webhooks/webhook-submission.service';

// A tenant at its unfinished-jobs quota may submit again once some finish: a 429, like the rate limit.
registerDomainError(TenantQuotaError, HttpStatus.TOO_MANY_REQUESTS);

@ApiTags('jobs')
@ApiExtraModels(...JOB_TYPE_DOCS, SubmitJobDto, CrawlResultDoc, BatchCrawlResponseDoc)
@ApiStoreUnavailable()
@Controller('workers/jobs')
@UseApiContract()
export class JobsController {
  private readonly pipe = createValidationPipe();

  constructor(
    private readonly queue: QueueService,
    private readonly gate: SubmissionGate,
    private readonly idempotency: IdempotentRequests,
    private readonly bulk: BulkSubmission,
    private readonly webhooks: WebhookSubmission,
    @Optional() private readonly deliveries?: WebhookDeliveries,
  ) {}

  @Post()
  @HttpCode(200)
  @RequireScope('jobs:write')
  @AcceptsJson()
  @ApiOperation({
    summary: 'Submit a job',
    description:
      'The job belongs to the tenant of the key. Maintenance jobs need the admin scope. With an `Idempotency-Key`, a repeat within IDEMPOTENCY_TTL_SECS gets the first answer (`Idempotent-Replayed: true`) and creates nothing.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: '1-255 printable ASCII characters; the same key with another body is a 422',
  })
  @ApiJsonBody(SubmitJobDto, SUBMISSION_EXAMPLES)
  @ApiOk(
    200,
    SubmitJobResponseDto,
    'Accepted and queued (Delayed when scheduled_at is in the future)',
  )
  @ApiErrorResponse(
    400,
    'Invalid job, or an invalid Idempotency-Key (every problem listed)',
    SUBMIT_INVALID,
  )
  @ApiErrorResponse(
    403,
    "A maintenance job without the admin scope, or a priority above the key's max_priority",
    SUBMIT_FORBIDDEN,
  )
  @IDEMPOTENCY_ERRORS()
  @ApiErrorResponse(
    429,
    "Over the key's rate limit (with `Retry-After`) or the tenant's unfinished-jobs quota",
    SUBMIT_TOO_MANY,
  )
  async submit(
    // Read here, not by the validation pipe, so that the body's shape and the job's rules are
    // checked together and every problem is in one answer (see readSubmission).
    @Body() body: unknown,
    @CurrentPrincipal() caller: Principal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: ReplyHeaders,
  ): Promise<SubmitJobResponseDto> {
    const { dto, submission, problems } = await readSubmission(
      this.pipe,
      this.queue,
      body,
      caller.tenant,
      this.webhooks,
    );
    const refusal = this.gate.refusal(caller, submission.jobType?.type, submission.priority);
    if (refusal) throw new ForbiddenException(refusal);
    if (problems.length) throw new JobValidationError(problems);
    await this.webhooks.prepare([submission]);
    return this.idempotency.run(
      { tenant: caller.tenant, key: idempotencyKey, route: 'POST /workers/jobs', body: dto },
      reply,
      async (idFor) => {
        await this.gate.takeRate(caller, reply, 1);
        const submitted = await this.queue.submit(submission, toWireName, {
          jobId: idFor(0),
          maxActiveJobs: this.gate.maxActiveJobs(caller),
        });
        return SubmitJobResponseDto.from(submitted);
      },
    );
  }

  @Post('bulk')
  @HttpCode(200)
  @RequireScope('jobs:write')
  @AcceptsJson()
  @ApiOperation({
    summary: 'Submit up to 1000 jobs at once',
    description:
      'Each item is shaped like the body of POST /workers/jobs and checked on its own: one bad item never refuses the others. Each item counts as one submission against the rate limit; items beyond the budget are refused with 429.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: '1-255 printable ASCII characters; the same key with another body is a 422',
  })
  @ApiJsonBody(BulkSubmitDto, BULK_EXAMPLES)
  @ApiOk(
    200,
    BulkSubmitResponseDto,
    "Every item's outcome, in input order: submitted, or refused with the error a single submission would get",
  )
  @ApiErrorResponse(400, 'Not a list of 1 to 1000 objects, or an invalid Idempotency-Key', {
    empty: ['jobs must contain at least 1 elements'],
    not_objects: ['each of jobs must be an object shaped like the body of POST /workers/jobs'],
  })
  @IDEMPOTENCY_ERRORS()
  @ApiErrorResponse(429, "No submission left in the key's rate budget (with `Retry-After`)", {
    rate_limited: SUBMIT_TOO_MANY['rate_limited'],
  })
  async submitBulk(
    @Body() body: BulkSubmitDto,
    @CurrentPrincipal() caller: Principal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: ReplyHeaders,
  ): Promise<BulkSubmitResponseDto> {
    return this.idempotency.run(
      { tenant: caller.tenant, key: idempotencyKey, route: 'POST /workers/jobs/bulk', body },
      reply,
      (idFor) => this.bulk.submit(body.jobs, caller, reply, idFor),
    );
  }

  @Get()
  @RequireScope('jobs:read')
  @ApiOperation({
    summary: 'List jobs, newest first',
    description:
      "Only the caller's tenant's jobs; an admin sees every tenant's, or one with `tenant`.",
  })
  @ApiOk(200, JobListResponseDto, 'One page of the matching jobs, and how many match in all')
  @ApiErrorResponse(400, 'Invalid query parameters (every problem listed)', {
    limit_not_a_number: [
      'limit must not be greater than 500',
      'limit must not be less than 1',
      'limit must be an integer number',
    ],
    unknown_status: [
      'status must be one of: Pending, Delayed, Processing, Retrying, Completed, Failed, DeadLetter, Cancelled',
    ],
  })
  async list(
    @Query() query: ListJobsQueryDto,
    @CurrentPrincipal() caller: Principal,
  ): Promise<JobListResponseDto> {
    const page = await this.queue.listJobs({
      ...tenantScopeOf(caller, query.tenant),
      status: query.status ? parseStatus(query.status) : undefined,
      jobType: query.job_type,
      search: query.search,
      limit: query.limit,
      offset: query.offset,
    });
    return {
      jobs: page.jobs.map((job) => JobStatusResponseDto.from(job)),
      total: page.total,
      limit: page.limit,
      offset: page.offset,
    };
  }

  @Get(':job_id')
  @RequireScope('jobs:read')
  @ApiOperation({ summary: 'Status of a job, read fresh' })
  @ApiParam(JOB_ID_PARAM)
  @ApiOk(200, JobStatusResponseDto, 'The job as it is now')
  @ApiErrorResponse(404, "Unknown job (another tenant's job answers the same)", {
    unknown: JOB_NOT_FOUND,
  })
  async status(
    @Param('job_id') jobId: string,
    @CurrentPrincipal() caller: Principal,
  ): Promise<JobStatusResponseDto> {
    const view = await this.queue.getJob(jobId, tenantScopeOf(caller));
    return JobStatusResponseDto.from(view, await this.deliveries?.list(view.jobId));
  }

  @Get(':job_id/result')
  @RequireScope('jobs:read')
  @ApiOperation({ summary: 'Result of a finished job (kept RESULT_TTL_SECS)' })
  @ApiParam(JOB_ID_PARAM)
  @ApiOk(200, JobResultResponseDto, 'What the job produced, or why it failed')
  @ApiErrorResponse(404, 'Unknown job, result not ready, or expired', {
    unknown: JOB_NOT_FOUND,
    not_ready: `Result of job ${EXAMPLE_JOB_ID} is not ready (status Pending)`,
    expired: `Result of job ${EXAMPLE_JOB_ID} has expired (results are kept 3600 seconds)`,
  })
  async result(
    @Param('job_id') jobId: string,
    @CurrentPrincipal() caller: Principal,
  ): Promise<JobResultResponseDto> {
    return JobResultResponseDto.from(await this.queue.getResult(jobId, tenantScopeOf(caller)));
  }

  @Delete(':job_id')
  @RequireScope('jobs:write')
  @ApiOperation({ summary: 'Cancel a queued or running job' })
  @ApiParam(JOB_ID_PARAM)
  @ApiOk(
    200,
    CancelJobResponseDto,
    'Cancelled: a queued job is removed, a running one aborted on its worker',
  )
  @ApiErrorResponse(404, "Unknown job (another tenant's job answers the same)", {
    unknown: JOB_NOT_FOUND,
  })
  @ApiErrorResponse(409, 'Already finished', {
    finished: `Job ${EXAMPLE_JOB_ID} is already Completed and cannot be cancelled`,
  })
  async cancel(
    @Param('job_id') jobId: string,
    @CurrentPrincipal() caller: Principal,
  ): Promise<CancelJobResponseDto> {
    const cancelled = await this.queue.cancel(jobId, tenantScopeOf(caller));
    return { job_id: cancelled.jobId, status: cancelled.status };
  }

  @Post(':job_id/retry')
  @HttpCode(200)
  @RequireScope('jobs:write')
  @ApiOperation({ summary: 'Replay a DeadLetter, Failed or Cancelled job' })
  @ApiParam(JOB_ID_PARAM)
  @ApiOk(200, ReplayJobResponseDto, 'Queued again, with its attempts reset')
  @ApiErrorResponse(404, "Unknown job (another tenant's job answers the same)", {
    unknown: JOB_NOT_FOUND,
  })
  @ApiErrorResponse(409, 'Not DeadLetter, Failed or Cancelled', {
    live: `Job ${EXAMPLE_JOB_ID} is Completed; only DeadLetter, Failed or Cancelled jobs can be replayed`,
  })
  async replay(
    @Param('job_id') jobId: string,
    @CurrentPrincipal() caller: Principal,
  ): Promise<ReplayJobResponseDto> {
    const view = await this.queue.replay(jobId, tenantScopeOf(caller));
    return { job_id: view.jobId, status: view.status };
  }
}
