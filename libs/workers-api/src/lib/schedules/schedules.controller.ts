import { Body, Controller, Delete, ForbiddenException, Get, Headers, HttpCode, HttpStatus, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { CurrentPrincipal, Principal, RequireScope, tenantScopeOf } from '@riptide/auth';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiHeader,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { JobPriority, JobTypeName, JobValidationError, JsonObject, parsePriority } from '@riptide/queue';
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
import { ErrorResponseDto } from '../jobs/job-responses.dto';
import { JOB_TYPE_DOCS } from '../jobs/job-type.docs';
import { jobTypeFromWire, toWireName } from '../jobs/job-type.wire';
import { retryConfigFromWire } from '../jobs/retry-config.wire';
import { TenantQueryDto } from '../tenancy/tenant-query.dto';
import { CreateScheduleDto, ScheduleResponseDto, TriggerScheduleResponseDto, UpdateScheduleDto } from './schedule.dto';
import type { ReplyHeaders } from '../http/reply-headers.interface';
import { UseApiContract } from '../http/api-contract.decorator';

// The scheduler's domain errors keep their meaning over HTTP. A full schedule table is a 409:
// the request is valid, the service cannot take another schedule until one is deleted.
registerDomainError(ScheduleNotFoundError, HttpStatus.NOT_FOUND);
registerDomainError(ScheduleValidationError, HttpStatus.BAD_REQUEST);
registerDomainError(ScheduleLimitError, HttpStatus.CONFLICT);
registerDomainError(ScheduleConflictError, HttpStatus.CONFLICT);
registerDomainError(TenantScheduleQuotaError, HttpStatus.CONFLICT);


@ApiTags('schedules')
@ApiExtraModels(...JOB_TYPE_DOCS)
@ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'Redis unreachable' })
@Controller('workers/schedule')
@UseApiContract()
export class SchedulesController {
  constructor(
    private readonly scheduler: SchedulerService,
    private readonly gate: SubmissionGate,
    private readonly idempotency: IdempotentRequests,
  ) {}

  /** A template the caller may not submit (maintenance, a priority above its ceiling) may not be scheduled either. */
  private assertAllowed(caller: Principal, type: JobTypeName | undefined, priority: JobPriority | undefined): void {
    const refusal = this.gate.refusal(caller, type, priority);
    if (refusal) throw new ForbiddenException(refusal);
  }

  @Post()
  @HttpCode(200)
  @RequireScope('schedules:write')
  @ApiOperation({
    summary: 'Create a cron schedule',
    description:
      'The schedule and every job it fires belong to the tenant of the key. Maintenance templates need the admin scope. With an `Idempotency-Key`, a repeat gets the first answer and creates nothing.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: '1-255 printable ASCII characters; the same key with another body is a 422' })
  @ApiOkResponse({ type: ScheduleResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid cron expression, time zone or job template (every problem listed)' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: "SCHEDULER_MAX_SCHEDULES or the tenant's schedules quota reached" })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto, description: 'The Idempotency-Key was used with another body' })
  async create(
    @Body() body: CreateScheduleDto,
    @CurrentPrincipal() caller: Principal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: ReplyHeaders,
  ): Promise<ScheduleResponseDto> {
    const { jobType, problems } = jobTypeFromWire(body.job_template, 'job_template');
    const input: ScheduleInput = { ...changeFromWire(body), tenant: caller.tenant, name: body.name, cronExpression: body.cron_expression, jobTemplate: jobType };
    this.assertAllowed(caller, jobType?.type, input.priority);
    const all = [...problems, ...(problems.length ? [] : this.scheduler.validate(input, toWireName))];
    if (all.length) throw new JobValidationError(all);
    return this.idempotency.run({ tenant: caller.tenant, key: idempotencyKey, route: 'POST /workers/schedule', body }, reply, async (idFor) =>
      ScheduleResponseDto.from(
        await withWireProblems(() => this.scheduler.create(input, toWireName, { id: idFor(0), maxSchedulesOfTenant: this.gate.maxSchedules(caller) })),
      ),
    );
  }

  @Get()
  @RequireScope('schedules:read')
  @ApiOperation({ summary: "List schedules, oldest first: the caller's tenant's; an admin's every tenant's, or one with `tenant`" })
  @ApiOkResponse({ type: [ScheduleResponseDto] })
  async list(@Query() query: TenantQueryDto, @CurrentPrincipal() caller: Principal): Promise<ScheduleResponseDto[]> {
    return (await this.scheduler.list(tenantScopeOf(caller, query.tenant))).map((schedule) => ScheduleResponseDto.from(schedule));
  }

  @Get(':id')
  @RequireScope('schedules:read')
  @ApiOperation({ summary: 'One schedule, read fresh' })
  @ApiOkResponse({ type: ScheduleResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto, description: "Unknown schedule (another tenant's answers the same)" })
  async get(@Param('id') id: string, @CurrentPrincipal() caller: Principal): Promise<ScheduleResponseDto> {
    return ScheduleResponseDto.from(await this.scheduler.get(id, tenantScopeOf(caller)));
  }

  @Patch(':id')
  @RequireScope('schedules:write')
  @ApiOperation({ summary: 'Change a schedule; a new cron, time zone or enabling restarts its slots from now' })
  @ApiOkResponse({ type: ScheduleResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async update(@Param('id') id: string, @Body() body: UpdateScheduleDto, @CurrentPrincipal() caller: Principal): Promise<ScheduleResponseDto> {
    const change: ScheduleUpdate = changeFromWire(body);
    if (body.name !== undefined) change.name = body.name;
    if (body.cron_expression !== undefined) change.cronExpression = body.cron_expression;
    if (body.job_template !== undefined) {
      const { jobType, problems } = jobTypeFromWire(body.job_template, 'job_template');
      if (problems.length) throw new JobValidationError(problems);
      change.jobTemplate = jobType;
    }
    this.assertAllowed(caller, change.jobTemplate?.type, change.priority);
    return ScheduleResponseDto.from(await withWireProblems(() => this.scheduler.update(id, change, toWireName, tenantScopeOf(caller))));
  }

  @Post(':id/trigger')
  @HttpCode(200)
  @RequireScope('schedules:write')
  @ApiOperation({ summary: 'Run the schedule\'s job now (counted as an execution)' })
  @ApiOkResponse({ type: TriggerScheduleResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto, description: "Over the key's rate limit (a trigger submits a job)" })
  async trigger(@Param('id') id: string, @CurrentPrincipal() caller: Principal, @Res({ passthrough: true }) reply: ReplyHeaders): Promise<TriggerScheduleResponseDto> {
    await this.gate.takeRate(caller, reply, 1);
    const { jobId } = await this.scheduler.trigger(id, tenantScopeOf(caller));
    return { job_id: jobId };
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScope('schedules:write')
  @ApiOperation({ summary: 'Delete a schedule; it never fires again' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
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
