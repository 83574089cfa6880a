import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ApiErrorResponse,
  ApiKeyLimitError,
  ApiKeyNotFoundError,
  ApiKeyService,
  ApiKeyValidationError,
  AuthMessages,
  RequireScope,
  Scope,
} from '@riptide/auth';
import { parsePriority } from '@riptide/queue';
import { registerDomainError } from '../errors/api-exception.filter';
import { ApiJsonBody, ApiOk, ApiStoreUnavailable } from '../docs/api-docs.decorators';
import { AcceptsJson } from '../http/accepts-json.decorator';
import { UseApiContract } from '../http/api-contract.decorator';
import {
  ApiKeyResponseDto,
  CreateApiKeyDto,
  CreatedApiKeyResponseDto,
  EXAMPLE_KEY_ID,
  KEY_EXAMPLES,
} from './api-key.dto';

const KEY_ID_PARAM = {
  name: 'id',
  description: 'The id POST /admin/keys answered',
  example: EXAMPLE_KEY_ID,
};
const KEY_NOT_FOUND = AuthMessages.keyNotFound(EXAMPLE_KEY_ID);

registerDomainError(ApiKeyNotFoundError, HttpStatus.NOT_FOUND);
registerDomainError(ApiKeyValidationError, HttpStatus.BAD_REQUEST);
registerDomainError(ApiKeyLimitError, HttpStatus.CONFLICT);

/** Key management (SPEC §6): admin only. Secrets are shown once, at creation. */
@ApiTags('keys')
@ApiStoreUnavailable()
@RequireScope('admin')
@Controller('admin/keys')
@UseApiContract()
export class ApiKeysController {
  constructor(private readonly keys: ApiKeyService) {}

  @Post()
  @HttpCode(201)
  @AcceptsJson()
  @ApiOperation({
    summary: 'Create an API key for a tenant; the answer holds its secret, shown only this once',
  })
  @ApiJsonBody(CreateApiKeyDto, KEY_EXAMPLES)
  @ApiOk(201, CreatedApiKeyResponseDto, 'The new key, with its secret in `key`')
  @ApiErrorResponse(400, 'Invalid name, tenant, scopes or limits (every problem listed)', {
    invalid: [
      AuthMessages.tenantInvalid,
      'scopes must each be one of: jobs:write, jobs:read, schedules:write, schedules:read, metrics:read, admin',
    ],
  })
  @ApiErrorResponse(409, 'Too many keys', { too_many: AuthMessages.tooManyKeys(10000) })
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
  @ApiOk(200, [ApiKeyResponseDto], 'Every key, oldest first')
  async list(): Promise<ApiKeyResponseDto[]> {
    return (await this.keys.list()).map((record) => ApiKeyResponseDto.from(record));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One API key (never its secret)' })
  @ApiParam(KEY_ID_PARAM)
  @ApiOk(200, ApiKeyResponseDto, 'The key, without its secret')
  @ApiErrorResponse(404, 'Unknown or revoked key', { unknown: KEY_NOT_FOUND })
  async get(@Param('id') id: string): Promise<ApiKeyResponseDto> {
    return ApiKeyResponseDto.from(await this.keys.get(id));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key: every process refuses it within a second' })
  @ApiParam(KEY_ID_PARAM)
  @ApiResponse({ status: 204, description: 'Revoked; no body' })
  @ApiErrorResponse(404, 'Unknown or already revoked key', { unknown: KEY_NOT_FOUND })
  async revoke(@Param('id') id: string): Promise<void> {
    await this.keys.revoke(id);
  }
}
