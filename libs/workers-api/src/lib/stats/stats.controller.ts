import { Controller, Get, Query } from '@nestjs/common';
import { CurrentPrincipal, Principal, RequireScope, tenantScopeOf } from '@riptide/auth';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
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
  @ApiOperation({ summary: "Job counts by status: the caller's tenant's jobs; an admin's across every tenant, or one with `tenant`" })
  @ApiOkResponse({ type: QueueStatsResponseDto })
  async queueStats(@Query() query: TenantQueryDto, @CurrentPrincipal() caller: Principal): Promise<QueueStatsResponseDto> {
    return QueueStatsResponseDto.from(await this.queue.counts(tenantScopeOf(caller, query.tenant)));
  }
}
