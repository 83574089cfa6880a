import { ApiPropertyOptional, IntersectionType, PickType } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { ListJobsQueryDto } from '../jobs/list-jobs-query.dto';

const LAST_EVENT_ID_MESSAGE =
  'last_event_id must be the id of an event, as sent on its id: line (digits-digits, e.g. 1733250000000-0)';

/** `?last_event_id=`: where a browser's first connection resumes (EventSource cannot set headers). */
export class ResumeQueryDto {
  @ApiPropertyOptional({
    pattern: '^\\d{1,20}-\\d{1,20}$',
    example: '1733250000000-0',
    description:
      'Resume after this event (as the Last-Event-ID header does, which wins when both are sent)',
  })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,20}-\d{1,20}$/, { message: LAST_EVENT_ID_MESSAGE })
  last_event_id?: string;
}

/** The query of `GET /workers/events`: filters as in the job list, the tenant, where to resume. */
export class TenantEventsQueryDto extends IntersectionType(
  PickType(ListJobsQueryDto, ['status', 'job_type', 'tenant'] as const),
  ResumeQueryDto,
) {}
