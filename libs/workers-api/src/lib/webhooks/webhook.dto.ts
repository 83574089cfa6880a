import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import {
  DEFAULT_WEBHOOK_EVENTS,
  WEBHOOK_EVENT_KINDS,
  WebhookEventKind,
  JOB_TYPE_NAMES,
} from '@riptide/queue';
import type { DeliveryAttempt, WebhookSubscription } from '@riptide/webhooks';
import { MAX_WEBHOOK_URL_LENGTH } from '@riptide/webhooks';
import { EXAMPLE_TIME } from '../docs/api-docs.decorators';
import { NullableDateTime } from '../docs/schema.util';

const EVENTS_MESSAGE = `events must each be one of: ${WEBHOOK_EVENT_KINDS.join(', ')}`;
/** A job type filter: a type, or `custom:<job_name>` (JOB_NAME_PATTERN). */
const JOB_TYPE_FILTER = new RegExp(
  `^(${JOB_TYPE_NAMES.filter((name) => name !== 'custom').join('|')}|custom:[A-Za-z0-9_.:-]{1,128})$`,
);
export const EXAMPLE_SUBSCRIPTION_ID = 'whsub_Qm9vLWJhci1iYXotcXV4';
export const EXAMPLE_SECRET = 'whsec_3q2-7wSZr2l0iTy8cM5cM0aVxWmY1kZ6V2dN4b9hQ8E';
export const EXAMPLE_EVENT_ID = '1768446000000-0';

/** `webhook` of a submission: where this job's events are POSTed. */
export class WebhookDto {
  @ApiProperty({
    format: 'uri',
    maxLength: MAX_WEBHOOK_URL_LENGTH,
    example: 'https://hooks.example.com/riptide',
    description:
      'http or https, no credentials; a private, loopback or link-local host (or one resolving to such an address) is refused unless CRAWL_ALLOW_PRIVATE_NETWORKS',
  })
  @IsDefined()
  @IsString()
  @MaxLength(MAX_WEBHOOK_URL_LENGTH)
  url!: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', enum: [...WEBHOOK_EVENT_KINDS] },
    default: [...DEFAULT_WEBHOOK_EVENTS],
    example: ['completed', 'dead_letter'],
    description: 'The events to POST; default the terminal ones',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(WEBHOOK_EVENT_KINDS as unknown as string[], { each: true, message: EVENTS_MESSAGE })
  events?: WebhookEventKind[];
}

/** `POST /workers/webhooks`: a standing subscription to the tenant's job events. */
export class CreateWebhookSubscriptionDto extends WebhookDto {
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string' },
    maxItems: 20,
    example: ['single_crawl', 'custom:report'],
    description:
      'Only jobs of these types (`custom:<job_name>` for custom jobs); default every type',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Matches(JOB_TYPE_FILTER, {
    each: true,
    message: `job_types must each be one of: ${JOB_TYPE_NAMES.filter((n) => n !== 'custom').join(', ')}, custom:<job_name>`,
  })
  job_types?: string[];
}

export class WebhookSubscriptionResponseDto {
  @ApiProperty({ example: EXAMPLE_SUBSCRIPTION_ID }) id!: string;
  @ApiProperty({ format: 'uri', example: 'https://hooks.example.com/riptide' }) url!: string;
  @ApiProperty({
    type: 'array',
    items: { type: 'string', enum: [...WEBHOOK_EVENT_KINDS] },
    example: ['completed', 'failed', 'dead_letter', 'cancelled'],
  })
  events!: string[];
  @ApiProperty({
    type: 'array',
    items: { type: 'string' },
    nullable: true,
    example: null,
    description: 'The job types it is limited to; null = every type',
  })
  job_types!: string[] | null;
  @ApiProperty({ format: 'date-time', example: EXAMPLE_TIME }) created_at!: string;
  @ApiPropertyOptional({
    example: EXAMPLE_SECRET,
    description:
      "The tenant's signing secret: present only when this call created it (the tenant's first webhook); it is never shown again",
  })
  secret?: string;

  static from(subscription: WebhookSubscription, secret?: string): WebhookSubscriptionResponseDto {
    return {
      id: subscription.id,
      url: subscription.url,
      events: subscription.events,
      job_types: subscription.jobTypes,
      created_at: subscription.createdAt.toISOString(),
      ...(secret === undefined ? {} : { secret }),
    };
  }
}

export class RotateSecretResponseDto {
  @ApiProperty({
    example: EXAMPLE_SECRET,
    description: 'The new signing secret, shown only in this answer',
  })
  secret!: string;
  @NullableDateTime(
    'Until when deliveries also carry a signature with the previous secret (WEBHOOK_SECRET_OVERLAP_SECONDS); null when there was none',
    EXAMPLE_TIME,
  )
  previous_valid_until!: string | null;
}

/** One attempt of one delivery of the job's events. */
export class WebhookDeliveryDto {
  @ApiProperty({ example: EXAMPLE_EVENT_ID, description: 'The event id (RipTide-Event-Id)' })
  event_id!: string;
  @ApiProperty({ enum: [...WEBHOOK_EVENT_KINDS], example: 'completed' }) event!: string;
  @ApiProperty({ format: 'uri', example: 'https://hooks.example.com/riptide' }) url!: string;
  @ApiProperty({ type: 'integer', minimum: 1, example: 1 }) attempt!: number;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 200,
    description: "The receiver's HTTP status; null when it did not answer",
  })
  status_code!: number | null;
  @ApiProperty({
    type: 'string',
    nullable: true,
    example: null,
    description:
      'Why the attempt failed: http_status, redirect, timeout, dns, connect, tls, ssrf_blocked, …; null when delivered',
  })
  error_code!: string | null;
  @ApiProperty({ format: 'date-time', example: EXAMPLE_TIME }) at!: string;
  @ApiProperty({
    enum: ['delivered', 'retrying', 'dead_letter'],
    example: 'delivered',
    description: 'dead_letter: the last attempt failed; nothing more is sent',
  })
  outcome!: string;

  static from(attempt: DeliveryAttempt): WebhookDeliveryDto {
    return {
      event_id: attempt.eventId,
      event: attempt.event,
      url: attempt.url,
      attempt: attempt.attempt,
      status_code: attempt.statusCode,
      error_code: attempt.errorCode,
      at: attempt.at.toISOString(),
      outcome: attempt.outcome,
    };
  }
}
