import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { ApiKeyLimitError, ApiKeyNotFoundError, ApiKeyService, ApiKeyValidationError, RequireScope, Scope } from '@riptide/auth';
import { parsePriority } from '@riptide/queue';
import { registerDomainError } from '../errors/api-exception.filter';
import { ErrorResponseDto } from '../jobs/job-responses.dto';
import { ApiKeyResponseDto, CreateApiKeyDto, CreatedApiKeyResponseDto } from './api-key.dto';
import { UseApiContract } from '../http/api-contract.decorator';

registerDomainError(ApiKeyNotFoundError, HttpStatus.NOT_FOUND);
registerDomainError(ApiKeyValidationError, HttpStatus.BAD_REQUEST);
registerDomainError(ApiKeyLimitError, HttpStatus.CONFLICT);

/** Key management (SPEC §6): admin only. Secrets are shown once, at creation. */
@ApiTags('keys')
@ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'Redis unreachable' })
@RequireScope('admin')
@Controller('admin/keys')
@UseApiContract()
export class ApiKeysController {
  constructor(private readonly keys: ApiKeyService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an API key for a tenant; the answer holds its secret, shown only this once' })
  @ApiCreatedResponse({ type: CreatedApiKeyResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Invalid name, tenant, scopes or limits (every problem listed)' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'Too many keys' })
  async create(@Body() body: CreateApiKeyDto): Promise<CreatedApiKeyResponseDto> {
    const created = await this.keys.create({
      name: body.name,
      tenant: body.tenant,
      scopes: body.scopes as Scope[],
      rateLimitPerSec: body.rate_limit_per_sec,
      burst: body.burst,
      maxActiveJobs: body.max_active_jobs,
      maxSchedules: body.max_schedules,
      maxPriority: body.max_priority === undefined ? undefined : parsePriority(body.max_priority),
    });
    return CreatedApiKeyResponseDto.fromCreated(created);
  }

  @Get()
  @ApiOperation({ summary: 'Every API key, oldest first (never a secret)' })
  @ApiOkResponse({ type: [ApiKeyResponseDto] })
  async list(): Promise<ApiKeyResponseDto[]> {
    return (await this.keys.list()).map((record) => ApiKeyResponseDto.from(record));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One API key (never its secret)' })
  @ApiOkResponse({ type: ApiKeyResponseDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async get(@Param('id') id: string): Promise<ApiKeyResponseDto> {
    return ApiKeyResponseDto.from(await this.keys.get(id));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key: every process refuses it within a second' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  async revoke(@Param('id') id: string): Promise<void> {
    await this.keys.revoke(id);
  }
}
