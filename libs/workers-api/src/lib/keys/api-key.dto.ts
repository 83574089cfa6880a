import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { ApiKeyRecord, CreatedApiKey, SCOPES } from '@riptide/auth';
import { TENANT_FILTER_MESSAGE } from '../tenancy/tenant-query.dto';
import { PRIORITY_INPUT } from '../docs/schema.util';

const PRIORITY = /^(low|normal|high|critical)$/i;
const PRIORITIES = ['Low', 'Normal', 'High', 'Critical'];
export const EXAMPLE_KEY_ID = '5e2c8b1f-3d4a-4f6e-9b7c-1a2d3e4f5a6b';

export const KEY_EXAMPLES = {
  tenant_key: {
    summary: 'A key for one tenant, with its own limits',
    value: {
      name: 'acme crawler',
      tenant: 'acme',
      scopes: ['jobs:write', 'jobs:read'],
      rate_limit_per_sec: 20,
      burst: 40,
      max_priority: 'Normal',
    },
  },
};

/** `POST /admin/keys` (SPEC §6). */
export class CreateApiKeyDto {
  @ApiProperty({
    example: 'acme crawler',
    minLength: 1,
    maxLength: 200,
    description: 'What the key is for',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({
    example: 'acme',
    pattern: '^[a-z0-9][a-z0-9_-]{0,62}$',
    description: 'Jobs and schedules made with the key belong to this tenant',
  })
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9_-]{0,62}$/, { message: TENANT_FILTER_MESSAGE })
  tenant!: string;

  @ApiProperty({
    enum: SCOPES,
    isArray: true,
    minItems: 1,
    maxItems: SCOPES.length,
    example: ['jobs:write', 'jobs:read'],
    description: '`admin` grants every scope over every tenant',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SCOPES.length)
  @IsIn(SCOPES, { each: true, message: `scopes must each be one of: ${SCOPES.join(', ')}` })
  scopes!: string[];

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 1000000,
    example: 20,
    description: 'Submissions per second (default RATE_LIMIT_PER_SEC)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000000)
  rate_limit_per_sec?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 1000000,
    example: 40,
    description: 'Submissions allowed in one burst (default RATE_LIMIT_BURST)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000000)
  burst?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 100000000,
    example: 5000,
    description: "Unfinished jobs of the key's tenant (default TENANT_MAX_ACTIVE_JOBS)",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100000000)
  max_active_jobs?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 1000000,
    example: 20,
    description: "Schedules of the key's tenant (default TENANT_MAX_SCHEDULES)",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000000)
  max_schedules?: number;

  @ApiPropertyOptional({
    ...PRIORITY_INPUT,
    example: 'Normal',
    description:
      'Highest priority the key may ask for (default High): Low, Normal, High or Critical, in any case',
  })
  @IsOptional()
  @IsString()
  @Matches(PRIORITY, { message: 'max_priority must be one of Low, Normal, High, Critical' })
  max_priority?: string;
}

/** A key as listed: never its secret. */
export class ApiKeyResponseDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE_KEY_ID }) id!: string;
  @ApiProperty({ example: 'acme crawler' }) name!: string;
  @ApiProperty({ example: 'acme' }) tenant!: string;
  @ApiProperty({ enum: SCOPES, isArray: true, example: ['jobs:write', 'jobs:read'] })
  scopes!: string[];
  @ApiProperty({
    example: 'rt_Xk3v9QaB',
    description: 'The first characters of the secret, to tell keys apart',
  })
  key_prefix!: string;
  @ApiProperty({ format: 'date-time', example: '2026-01-15T03:00:00.000Z' }) created_at!: string;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 20,
    description: 'null: RATE_LIMIT_PER_SEC',
  })
  rate_limit_per_sec!: number | null;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: 40,
    description: 'null: RATE_LIMIT_BURST',
  })
  burst!: number | null;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: null,
    description: 'null: TENANT_MAX_ACTIVE_JOBS',
  })
  max_active_jobs!: number | null;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    example: null,
    description: 'null: TENANT_MAX_SCHEDULES',
  })
  max_schedules!: number | null;
  @ApiProperty({
    type: 'string',
    enum: [...PRIORITIES, null],
    nullable: true,
    example: 'Normal',
    description: 'null: High',
  })
  max_priority!: string | null;

  static from(record: ApiKeyRecord): ApiKeyResponseDto {
    return {
      id: record.id,
      name: record.name,
      tenant: record.tenant,
      scopes: [...record.scopes],
      key_prefix: record.keyPrefix,
      created_at: record.createdAt.toISOString(),
      rate_limit_per_sec: record.limits.rateLimitPerSec ?? null,
      burst: record.limits.burst ?? null,
      max_active_jobs: record.limits.maxActiveJobs ?? null,
      max_schedules: record.limits.maxSchedules ?? null,
      max_priority: record.limits.maxPriority ?? null,
    };
  }
}

/** The answer to a creation: the one time the secret is shown. */
export class CreatedApiKeyResponseDto extends ApiKeyResponseDto {
  @ApiProperty({
    example: 'rt_Xk3v9QaB0cDeFgHiJkLmNoPqRsTuVwXyZ0123456789',
    description:
      'The secret: send it as `Authorization: Bearer <key>`. Shown only in this answer; only its hash is kept.',
  })
  key!: string;

  static fromCreated(created: CreatedApiKey): CreatedApiKeyResponseDto {
    return { ...ApiKeyResponseDto.from(created), key: created.key };
  }
}
