import {
  BadRequestException,
  Controller,
  Get,
  Headers,
  HttpStatus,
  BeforeApplicationShutdown,
  Inject,
  Param,
  Query,
  Res,
} from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, RequireScope, tenantScopeOf } from '@riptide/auth';
import {
  FINISHED_STATUSES,
  InvalidEventIdError,
  JobEventFeed,
  JobEventFilter,
  JobEventFollower,
  JobStatus,
  JobView,
  JobEventRecord,
  QueueService,
  assertEventId,
  parseStatus,
} from '@riptide/queue';
import { ApiStoreUnavailable } from '../docs/api-docs.decorators';
import { registerDomainError } from '../errors/api-exception.filter';
import { UseApiContract } from '../http/api-contract.decorator';
import { JOB_ID_PARAM, JOB_NOT_FOUND } from '../jobs/jobs.docs';
import { ApiErrorResponse } from '@riptide/auth';
import {
  DEFAULT_WORKERS_API_OPTIONS,
  WORKERS_API_OPTIONS,
  WorkersApiOptions,
} from '../workers-api-options.interface';
import { WorkersApiMessages } from '../workers-api.messages';
import {
  EventStream,
  EventStreamSettings,
  StreamFlusher,
  StreamableReply,
  eventFrame,
} from './event-stream';
import { EventStreamLimits } from './event-stream-limits.service';
import { ResumeQueryDto, TenantEventsQueryDto } from './event-stream-query.dto';
import {
  ApiLastEventId,
  JOB_STREAM,
  JOB_STREAM_ERRORS,
  TENANT_STREAM,
  TENANT_STREAM_ERRORS,
} from './job-events.docs';
import { JobEventDataDto, STATE_EVENT, jobEventToWire, jobStateToWire } from './job-event.wire';

registerDomainError(InvalidEventIdError, HttpStatus.BAD_REQUEST);

/** A stream shows a job's status, never its data: a PDF job's document is not read. */
const COMPACT = { compact: true };

/** Most bytes a client may leave unread before it is disconnected (it then resumes with Last-Event-ID). */
const MAX_UNREAD_BYTES = 1024 * 1024;

/**
 * Each event's frame, made once however many clients it goes to: the feed hands the same event
 * object to every follower of its tenant.
 */
const frames = new WeakMap<JobEventRecord, Buffer>();
function frameOf(event: JobEventRecord): Buffer {
  let frame = frames.get(event);
  if (frame === undefined) {
    frame = eventFrame(event.id, event.event, jobEventToWire(event));
    frames.set(event, frame);
  }
  return frame;
}

const isFinished = (status: JobStatus) => FINISHED_STATUSES.includes(status);
const endsJob = (event: JobEventRecord) => event.event !== 'progress' && isFinished(event.status);

/** `job_type` of the list route's filter, applied to an event's bull job name. */
function typeFilter(jobType: string | undefined): JobEventFilter {
  if (jobType === undefined) return () => true;
  if (jobType === 'custom') return (event) => event.name.startsWith('custom:');
  return (event) => event.name === jobType;
}

/**
 * Live job events over server-sent events, read from the tenant event logs and the event channel
 * (JobEventFeed), guarded and tenant-scoped like the job routes.
 */
@ApiTags('events')
@ApiExtraModels(JobEventDataDto)
@ApiStoreUnavailable()
@Controller('workers')
@UseApiContract()
export class JobEventsController implements BeforeApplicationShutdown {
  private readonly settings: EventStreamSettings;
  /** Streams open now: ended at shutdown, or the HTTP server would wait for their clients. */
  private readonly streams = new Set<EventStream>();

  constructor(
    private readonly queue: QueueService,
    private readonly feed: JobEventFeed,
    private readonly limits: EventStreamLimits,
    @Inject(WORKERS_API_OPTIONS) options: WorkersApiOptions,
  ) {
    const resolved = { ...DEFAULT_WORKERS_API_OPTIONS, ...options };
    this.settings = {
      keepAliveMs: resolved.sseKeepAliveMs,
      maxUnreadBytes: MAX_UNREAD_BYTES,
      flusher: new StreamFlusher(resolved.sseFlushIntervalMs),
    };
  }

  @Get('jobs/:job_id/events')
  @RequireScope('jobs:read')
  @ApiOperation({
    summary: "Follow a job's status and progress live (server-sent events)",
    description:
      "Starts with the job's current state, then sends each change until the job ends. Another tenant's job answers 404, as an unknown one.",
  })
  @ApiParam(JOB_ID_PARAM)
  @ApiLastEventId()
  @JOB_STREAM()
  @ApiErrorResponse(404, "Unknown job (another tenant's job answers the same)", {
    unknown: JOB_NOT_FOUND,
  })
  @JOB_STREAM_ERRORS()
  async jobEvents(
    @Param('job_id') jobId: string,
    @Query() query: ResumeQueryDto,
    @Headers('last-event-id') lastEventId: string | undefined,
    @CurrentPrincipal() caller: Principal,
    @Res() reply: StreamableReply,
  ): Promise<void> {
    const resumeAfter = this.resumePoint(lastEventId, query.last_event_id);
    const { tenant } = await this.queue.getJob(jobId, tenantScopeOf(caller), COMPACT);
    const scope = { tenant };
    let state: JobView | null = null;
    const { follower, after, stream } = await this.open(
      caller,
      reply,
      tenant,
      (event) => event.job === jobId,
      resumeAfter,
      // Read after the log's newest id, so nothing between the two is lost; an event in between
      // may show in the state too, and its echo is skipped below.
      async () => {
        state = await this.queue.getJob(jobId, scope, COMPACT);
      },
    );
    let echoOf: JobStatus | null = null;
    const current = state as JobView | null;
    if (current) {
      stream.send(after, STATE_EVENT, jobStateToWire(current, new Date()));
      if (isFinished(current.status)) return stream.end();
      echoOf = current.status;
    }
    await this.follow(stream, follower, after, (event) => {
      if (event.event !== 'progress') {
        const echo = echoOf === event.status;
        echoOf = null;
        if (echo) return;
      }
      stream.sendFrame(frameOf(event));
      if (endsJob(event)) stream.end();
    });
    if (resumeAfter === undefined || stream.closed) return;
    // Resumed after the job's end was sent (or trimmed from the log): say how it ended, and end.
    const now = await this.queue.findJob(jobId, scope, COMPACT).catch(() => null);
    if (now && !isFinished(now.status)) return;
    if (now) stream.send(follower.lastEventId, STATE_EVENT, jobStateToWire(now, new Date()));
    stream.end();
  }

  @Get('events')
  @RequireScope('jobs:read')
  @ApiOperation({
    summary: "Follow a tenant's job events live (server-sent events)",
    description:
      "The caller's tenant's events; an admin key names the tenant with `tenant`. Filters as in the job list: `status` (the status after the event) and `job_type`.",
  })
  @ApiLastEventId()
  @TENANT_STREAM()
  @TENANT_STREAM_ERRORS()
  async tenantEvents(
    @Query() query: TenantEventsQueryDto,
    @Headers('last-event-id') lastEventId: string | undefined,
    @CurrentPrincipal() caller: Principal,
    @Res() reply: StreamableReply,
  ): Promise<void> {
    const resumeAfter = this.resumePoint(lastEventId, query.last_event_id);
    if (caller.admin && !query.tenant)
      throw new BadRequestException(WorkersApiMessages.adminStreamNeedsTenant);
    const tenant = tenantScopeOf(caller, query.tenant).tenant ?? caller.tenant;
    const status = query.status ? parseStatus(query.status) : undefined;
    const byType = typeFilter(query.job_type);
    const { follower, after, stream } = await this.open(
      caller,
      reply,
      tenant,
      (event) => (status === undefined || event.status === status) && byType(event),
      resumeAfter,
    );
    await this.follow(stream, follower, after, (event) => stream.sendFrame(frameOf(event)));
  }

  /**
   * Ends every open stream before the HTTP server closes (it waits for open requests otherwise).
   * Clients reconnect, to another process, with their Last-Event-ID.
   */
  beforeApplicationShutdown(): void {
    for (const stream of [...this.streams]) stream.end();
  }

  /** The header on reconnects, else the query (a browser's first connection); validated. */
  private resumePoint(header: string | undefined, query: string | undefined): string | undefined {
    if (header !== undefined && header !== '') return assertEventId(header.trim());
    return query;
  }

  /**
   * Takes a place under the limits, starts following (subscribed before anything is read), finds
   * where to start and runs `beforeStream`; only then hijacks the reply, so every refusal until
   * here is an ordinary JSON error.
   */
  private async open(
    caller: Principal,
    reply: StreamableReply,
    tenant: string,
    filter: JobEventFilter,
    resumeAfter: string | undefined,
    beforeStream?: () => Promise<void>,
  ): Promise<{ follower: JobEventFollower; after: string; stream: EventStream }> {
    const release = this.limits.acquire(caller);
    let follower: JobEventFollower | undefined;
    try {
      follower = await this.feed.follow(tenant, filter);
      const after = resumeAfter ?? (await this.feed.latestId(tenant));
      if (resumeAfter === undefined) await beforeStream?.();
      const stream = new EventStream(reply, this.settings);
      const opened = follower;
      this.streams.add(stream);
      stream.onClose(() => {
        this.streams.delete(stream);
        opened.close();
        release();
      });
      opened.onFailure(() => stream.end());
      return { follower: opened, after, stream };
    } catch (error) {
      follower?.close();
      release();
      throw error;
    }
  }

  /** Plays the log after `after`, then live events; a failure to read the log ends the stream. */
  private async follow(
    stream: EventStream,
    follower: JobEventFollower,
    after: string,
    deliver: (event: JobEventRecord) => void,
  ): Promise<void> {
    if (stream.closed) return;
    await follower.start(after, deliver).catch(() => stream.end());
  }
}
