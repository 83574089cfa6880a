import { Controller, Get, Query } from '@nestjs/common';
import { CurrentPrincipal, Principal, RequireScope, tenantScopeOf } from '@riptide/auth';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiInvalidQuery, ApiOk, ApiStoreUnavailable } from '../docs/api-docs.decorators';
import { TENANT_FILTER_MESSAGE } from '../tenancy/tenant-query.dto';
import { QueueService } from '@riptide/queue';
import { QueueStatsResponseDto } from '../jobs/job-responses.dto';
import { TenantQueryDto } from '../tenancy/tenant-query.dto';
import { UseApiContract } from '../http/api-contract.decorator';

@ApiTags('stats')
@Controller('workers/stats')
@UseApiContract()
export class StatsController {
  constructor(private readonly queue: QueueService) {}

  @Get('queue')
  @RequireScope('jobs:read')
  @ApiOperation({
    summary:
      "Job counts by status: the caller's tenant's jobs; an admin's across every tenant, or one with `tenant`",
  })
  @ApiOk(200, QueueStatsResponseDto, 'How many jobs are in each status')
  @ApiInvalidQuery({ tenant: [TENANT_FILTER_MESSAGE] })
  @ApiStoreUnavailable()
  async queueStats(
    @Query() query: TenantQueryDto,
    @CurrentPrincipal() caller: Principal,
  ): Promise<QueueStatsResponseDto> {
    return QueueStatsResponseDto.from(await this.queue.counts(tenantScopeOf(caller, query.tenant)));
  }
}
