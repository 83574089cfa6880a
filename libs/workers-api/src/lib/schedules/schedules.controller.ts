import {
  Body,
  Controller,
  Delete,
  ForbiddenException,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
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
import {
  ApiExtraModels,
  ApiHeader,
  ApiOperation,
  ApiParam,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  JobPriority,
  JobTypeName,
  JobValidationError,
  JsonObject,
  parsePriority,
} from '@riptide/queue';
import {
  OverlapPolicy,
  ScheduleConflictError,
  ScheduleInput,
  ScheduleLimitError,
  ScheduleNotFoundError,
  ScheduleUpdate,
  ScheduleValidationError,
  SchedulerService,
  TenantScheduleQuotaError,
} from '@riptide/scheduler';
import { IdempotentRequests } from '../idempotency/idempotent-requests.service';
import { SubmissionGate } from '../submissions/submission-gate.service';
import { registerDomainError } from '../errors/api-exception.filter';
import {
  ApiInvalidQuery,
  ApiJsonBody,
  ApiOk,
  ApiStoreUnavailable,
} from '../docs/api-docs.decorators';
import { IDEMPOTENCY_ERRORS, SUBMIT_FORBIDDEN, SUBMIT_TOO_MANY } from '../jobs/jobs.docs';
import {
  CREATE_EXAMPLES,
  SCHEDULE_ID_PARAM,
  SCHEDULE_INVALID,
  SCHEDULE_NOT_FOUND,
  UPDATE_EXAMPLES,
} from './schedules.docs';
import { AcceptsJson } from '../http/accepts-json.decorator';
import { createValidationPipe, withoutFaultyFields } from '../http/validation.pipe';
import { JOB_TYPE_DOCS } from '../jobs/job-type.docs';
import { jobTypeFromWire, toWireName } from '../jobs/job-type.wire';
import { retryConfigFromWire } from '../jobs/retry-config.wire';
import { TenantQueryDto } from '../tenancy/tenant-query.dto';
import {
  CreateScheduleDto,
  ScheduleResponseDto,
  TriggerScheduleResponseDto,
  UpdateScheduleDto,
} from './schedule.dto';
import type { ReplyHeaders } from '../http/reply-headers.interface';
import { UseApiContract } from '../http/api-contract.decorator';
import { WebhookSubmission } from '../webhooks/webhook-submission.service';

// The scheduler's domain errors keep their meaning over HTTP. A full schedule table is a 409:
// the request is valid, the service cannot take another schedule until one is deleted.
registerDomainError(ScheduleNotFoundError, HttpStatus.NOT_FOUND);
registerDomainError(ScheduleValidationError, HttpStatus.BAD_REQUEST);
registerDomainError(ScheduleLimitError, HttpStatus.CONFLICT);
registerDomainError(ScheduleConflictError, HttpStatus.CONFLICT);
registerDomainError(TenantScheduleQuotaError, HttpStatus.CONFLICT);

@ApiTags('schedules')
@ApiExtraModels(...JOB_TYPE_DOCS)
@ApiStoreUnavailable()
@Controller('workers/schedule')
@UseApiContract()
export class SchedulesController {
  private readonly pipe = createValidationPipe();

  constructor(
    private readonly scheduler: SchedulerService,
    private readonly gate: SubmissionGate,
    private readonly idempotency: IdempotentRequests,
    private readonly webhooks: WebhookSubmission,
  ) {}

  /** A template the caller may not submit (maintenance, a priority above its ceiling) may not be scheduled either. */
  private assertAllowed(
    caller: Principal,
    type: JobTypeName | undefined,
    priority: JobPriority | undefined,
  ): void {
    const refusal = this.gate.refusal(caller, type, priority);
    if (refusal) throw new ForbiddenException(refusal);
  }

  @Post()
  @HttpCode(200)
  @RequireScope('schedules:write')
  @AcceptsJson()
  @ApiOperation({
    summary: 'Create a cron schedule',
    description:
      'The schedule and every job it fires belong to the tenant of the key. Maintenance templates need the admin scope. With an `Idempotency-Key`, a repeat gets the first answer and creates nothing.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: '1-255 printable ASCII characters; the same key with another body is a 422',
  })
  @ApiJsonBody(CreateScheduleDto, CREATE_EXAMPLES)
  @ApiOk(200, ScheduleResponseDto, 'The new schedule, with its first slot in next_execution_at')
  @ApiErrorResponse(
    400,
    'Invalid cron expression, time zone or job template, or an invalid Idempotency-Key (every problem listed)',
    SCHEDULE_INVALID,
  )
  @ApiErrorResponse(
    403,
    "A maintenance template without the admin scope, or a priority above the key's max_priority",
    SUBMIT_FORBIDDEN,
  )
  @ApiErrorResponse(409, "SCHEDULER_MAX_SCHEDULES or the tenant's schedules quota reached", {
    tenant_quota: new TenantScheduleQuotaError('acme', 100).message,
  })
  @IDEMPOTENCY_ERRORS()
  async create(
    // Read here, not by the validation pipe, so that the body's shape, its template and the
    // schedule's rules are checked together and every problem is in one answer.
    @Body() raw: unknown,
    @CurrentPrincipal() caller: Principal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: ReplyHeaders,
  ): Promise<ScheduleResponseDto> {
    const checked = await this.pipe.check(CreateScheduleDto, raw);
    const body = checked.value;
    const { jobType, problems } = jobTypeFromWire(body.job_template, 'job_template');
    const input: ScheduleInput = {
      ...changeFromWire(body),
      tenant: caller.tenant,
      name: body.name,
      cronExpression: body.cron_expression,
      jobTemplate: jobType,
    };
    this.assertAllowed(caller, jobType?.type, input.priority);
    const all = [
      ...checked.problems,
      ...withoutFaultyFields(
        [
          ...problems,
          ...this.scheduler.validate(input, toWireName),
          ...(await this.webhooks.problems({ webhook: input.webhook ?? undefined })),
        ],
        checked.faulty,
      ),
    ];
    if (all.length) throw new JobValidationError([...new Set(all)]);
    await this.webhooks.prepare([{ webhook: input.webhook ?? undefined, tenant: caller.tenant }]);
    return this.idempotency.run(
      { tenant: caller.tenant, key: idempotencyKey, route: 'POST /workers/schedule', body },
      reply,
      async (idFor) =>
        ScheduleResponseDto.from(
          await withWireProblems(() =>
            this.scheduler.create(input, toWireName, {
              id: idFor(0),
              maxSchedulesOfTenant: this.gate.maxSchedules(caller),
            }),
          ),
        ),
    );
  }

  @Get()
  @RequireScope('schedules:read')
  @ApiOperation({
    summary:
      "List schedules, oldest first: the caller's tenant's; an admin's every tenant's, or one with `tenant`",
  })
  @ApiOk(200, [ScheduleResponseDto], 'The schedules, oldest first')
  @ApiInvalidQuery({
    tenant: [
      'tenant must be 1-63 characters of a-z, 0-9, _ and -, starting with a letter or digit',
    ],
  })
  async list(
    @Query() query: TenantQueryDto,
    @CurrentPrincipal() caller: Principal,
  ): Promise<ScheduleResponseDto[]> {
    return (await this.scheduler.list(tenantScopeOf(caller, query.tenant))).map((schedule) =>
      ScheduleResponseDto.from(schedule),
    );
  }

  @Get(':id')
  @RequireScope('schedules:read')
  @ApiOperation({ summary: 'One schedule, read fresh' })
  @ApiParam(SCHEDULE_ID_PARAM)
  @ApiOk(200, ScheduleResponseDto, 'The schedule as it is now')
  @ApiErrorResponse(404, "Unknown schedule (another tenant's answers the same)", {
    unknown: SCHEDULE_NOT_FOUND,
  })
  async get(
    @Param('id') id: string,
    @CurrentPrincipal() caller: Principal,
  ): Promise<ScheduleResponseDto> {
    return ScheduleResponseDto.from(await this.scheduler.get(id, tenantScopeOf(caller)));
  }

  @Patch(':id')
  @RequireScope('schedules:write')
  @AcceptsJson()
  @ApiOperation({
    summary: 'Change a schedule; a new cron, time zone or enabling restarts its slots from now',
  })
  @ApiParam(SCHEDULE_ID_PARAM)
  @ApiJsonBody(UpdateScheduleDto, UPDATE_EXAMPLES)
  @ApiOk(200, ScheduleResponseDto, 'The schedule after the change')
  @ApiErrorResponse(
    400,
    'An invalid field, or a change that leaves the schedule invalid (every problem listed)',
    SCHEDULE_INVALID,
  )
  @ApiErrorResponse(
    403,
    "A maintenance template without the admin scope, or a priority above the key's max_priority",
    SUBMIT_FORBIDDEN,
  )
  @ApiErrorResponse(404, "Unknown schedule (another tenant's answers the same)", {
    unknown: SCHEDULE_NOT_FOUND,
  })
  async update(
    @Param('id') id: string,
    @Body() raw: unknown,
    @CurrentPrincipal() caller: Principal,
  ): Promise<ScheduleResponseDto> {
    // The body's shape and its template's fields in one answer; the rules of the schedule as
    // changed are the service's, which merges the change over the stored schedule first.
    const checked = await this.pipe.check(UpdateScheduleDto, raw);
    const body = checked.value;
    const change: ScheduleUpdate = changeFromWire(body);
    if (body.name !== undefined) change.name = body.name;
    if (body.cron_expression !== undefined) change.cronExpression = body.cron_expression;
    const problems = [...checked.problems];
    if (body.job_template !== undefined) {
      const template = jobTypeFromWire(body.job_template, 'job_template');
      problems.push(...template.problems);
      change.jobTemplate = template.jobType;
    }
    if (change.webhook && !checked.faulty.has('webhook.url'))
      problems.push(...(await this.webhooks.problems({ webhook: change.webhook })));
    if (problems.length) throw new JobValidationError(problems);
    this.assertAllowed(caller, change.jobTemplate?.type, change.priority);
    await this.webhooks.prepare([{ webhook: change.webhook ?? undefined, tenant: caller.tenant }]);
    return ScheduleResponseDto.from(
      await withWireProblems(() =>
        this.scheduler.update(id, change, toWireName, tenantScopeOf(caller)),
      ),
    );
  }

  @Post(':id/trigger')
  @HttpCode(200)
  @RequireScope('schedules:write')
  @ApiOperation({ summary: "Run the schedule's job now (counted as an execution)" })
  @ApiParam(SCHEDULE_ID_PARAM)
  @ApiOk(200, TriggerScheduleResponseDto, 'The job submitted now')
  @ApiErrorResponse(404, "Unknown schedule (another tenant's answers the same)", {
    unknown: SCHEDULE_NOT_FOUND,
  })
  @ApiErrorResponse(
    429,
    "Over the key's rate limit (with `Retry-After`): a trigger submits a job",
    { rate_limited: SUBMIT_TOO_MANY.rate_limited },
  )
  async trigger(
    @Param('id') id: string,
    @CurrentPrincipal() caller: Principal,
    @Res({ passthrough: true }) reply: ReplyHeaders,
  ): Promise<TriggerScheduleResponseDto> {
    await this.gate.takeRate(caller, reply, 1);
    const { jobId } = await this.scheduler.trigger(id, tenantScopeOf(caller));
    return { job_id: jobId };
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScope('schedules:write')
  @ApiOperation({ summary: 'Delete a schedule; it never fires again' })
  @ApiParam(SCHEDULE_ID_PARAM)
  @ApiResponse({ status: 204, description: 'Deleted; no body' })
  @ApiErrorResponse(404, "Unknown schedule (another tenant's answers the same)", {
    unknown: SCHEDULE_NOT_FOUND,
  })
  async remove(@Param('id') id: string, @CurrentPrincipal() caller: Principal): Promise<void> {
    await this.scheduler.remove(id, tenantScopeOf(caller));
  }
}

/** The optional fields shared by create and PATCH, wire → domain. */
function changeFromWire(body: CreateScheduleDto | UpdateScheduleDto): ScheduleUpdate {
  const change: ScheduleUpdate = {};
  if (body.priority !== undefined) change.priority = parsePriority(body.priority);
  if (body.enabled !== undefined) change.enabled = body.enabled;
  if (body.retry_config !== undefined) change.retryConfig = retryConfigFromWire(body.retry_config);
  if (body.metadata !== undefined) change.metadata = body.metadata as JsonObject;
  if (body.timeout_secs !== undefined) change.timeoutSecs = body.timeout_secs;
  if (body.timezone !== undefined) change.timezone = body.timezone;
  if (body.overlap !== undefined) change.overlap = body.overlap as OverlapPolicy;
  if (body.webhook === null) change.webhook = null;
  else if (body.webhook !== undefined)
    change.webhook = {
      url: body.webhook.url,
      ...(body.webhook.events ? { events: body.webhook.events } : {}),
    };
  return change;
}

/** Validation found by the service (a PATCH merged over the stored schedule) is listed like the DTO's. */
async function withWireProblems<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof ScheduleValidationError) throw new JobValidationError(error.problems);
    throw error;
  }
}
