import { Body, Controller, Delete, ForbiddenException, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
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
} from '@nestjs/swagger';
import { JobValidationError, JsonObject, RetryConfig, parsePriority } from '@riptide/queue';
import {
  OverlapPolicy,
  ScheduleConflictError,
  ScheduleInput,
  ScheduleLimitError,
  ScheduleNotFoundError,
  ScheduleUpdate,
  ScheduleValidationError,
  SchedulerService,
} from '@riptide/scheduler';
import { registerDomainError } from '../errors/api-exception.filter';
import { ErrorResponseDto } from '../jobs/job-responses.dto';
import { JOB_TYPE_DOCS } from '../jobs/job-type.docs';
import { jobTypeFromWire, toWireName } from '../jobs/job-type.wire';
import { RetryConfigDto } from '../jobs/submit-job.dto';
import { TenantQueryDto } from '../tenancy/tenant-query.dto';
import { CreateScheduleDto, ScheduleResponseDto, TriggerScheduleResponseDto, UpdateScheduleDto } from './schedule.dto';

// The scheduler's domain errors keep their meaning over HTTP. A full schedule table is a 409:
// the request is valid, the service cannot take another schedule until one is deleted.
registerDomainError(ScheduleNotFoundError, HttpStatus.NOT_FOUND);
registerDomainError(ScheduleValidationError, HttpStatus.BAD_REQUEST);
registerDomainError(ScheduleLimitError, HttpStatus.CONFLICT);
registerDomainError(ScheduleConflictError, HttpStatus.CONFLICT);

@ApiTags('schedules')
@ApiExtraModels(...JOB_TYPE_DOCS)
@ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'Redis unreachable' })
@Controller('workers/schedule')
export class SchedulesController {
  constructor(private readonly scheduler: SchedulerService) {}

  @Post()
  @HttpCode(200)
  @RequireScope('schedules:write')
  @ApiOperation({ summary: 'Create a cron schedule', description: 'The schedule and every job it fires belong to the tenant of the key. Maintenance templates need the admin scope.' })
  @ApiOkResponse({ type: ScheduleResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid cron expression, time zone or job template (every problem listed)' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'SCHEDULER_MAX_SCHEDULES reached' })
  async create(@Body() body: CreateScheduleDto, @CurrentPrincipal() caller: Principal): Promise<ScheduleResponseDto> {
    const { jobType, problems } = jobTypeFromWire(body.job_template, 'job_template');
    assertTemplateAllowed(jobType?.type, caller);
    const input: ScheduleInput = { ...changeFromWire(body), tenant: caller.tenant, name: body.name, cronExpression: body.cron_expression, jobTemplate: jobType };
    const all = [...problems, ...(problems.length ? [] : this.scheduler.validate(input, toWireName))];
    if (all.length) throw new JobValidationError(all);
    return ScheduleResponseDto.from(await withWireProblems(() => this.scheduler.create(input, toWireName)));
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
      assertTemplateAllowed(jobType.type, caller);
      change.jobTemplate = jobType;
    }
    return ScheduleResponseDto.from(await withWireProblems(() => this.scheduler.update(id, change, toWireName, tenantScopeOf(caller))));
  }

  @Post(':id/trigger')
  @HttpCode(200)
  @RequireScope('schedules:write')
  @ApiOperation({ summary: 'Run the schedule\'s job now (counted as an execution)' })
  @ApiOkResponse({ type: TriggerScheduleResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async trigger(@Param('id') id: string, @CurrentPrincipal() caller: Principal): Promise<TriggerScheduleResponseDto> {
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

/** A maintenance template fires jobs that reach every tenant, so only an admin may schedule one. */
function assertTemplateAllowed(type: string | undefined, caller: Principal): void {
  if (type === 'maintenance' && !caller.admin) throw new ForbiddenException('Maintenance jobs need a key with the admin scope');
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

function retryConfigFromWire(wire: RetryConfigDto): Partial<RetryConfig> {
  const out: Partial<RetryConfig> = {};
  if (wire.max_attempts !== undefined) out.maxAttempts = wire.max_attempts;
  if (wire.initial_delay_secs !== undefined) out.initialDelaySecs = wire.initial_delay_secs;
  if (wire.backoff_multiplier !== undefined) out.backoffMultiplier = wire.backoff_multiplier;
  if (wire.max_delay_secs !== undefined) out.maxDelaySecs = wire.max_delay_secs;
  if (wire.use_jitter !== undefined) out.useJitter = wire.use_jitter;
  return out;
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
