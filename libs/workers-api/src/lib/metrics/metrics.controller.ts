import { Controller, Get } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponse, RequireScope } from '@riptide/auth';
import { QueueUnavailableError } from '@riptide/redis';
import { MetricsService, WorkerRegistry } from '@riptide/metrics';
import { UseApiContract } from '../http/api-contract.decorator';
import {
  JobTypeStatsDto,
  MetricsResponseDto,
  WorkerPoolResponseDto,
} from './metrics-responses.dto';

@ApiTags('stats')
@ApiExtraModels(JobTypeStatsDto)
@RequireScope('metrics:read')
@Controller('workers')
@UseApiContract()
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly registry: WorkerRegistry,
  ) {}

  @Get('metrics')
  @ApiOperation({
    summary: 'Job counters, latency percentiles, queue sizes and workers across all processes',
  })
  @ApiOkResponse({
    type: MetricsResponseDto,
    description: 'The snapshot, aggregated from every process through Redis',
  })
  @ApiErrorResponse(503, 'Redis is not reachable', {
    unreachable: new QueueUnavailableError().message,
  })
  async snapshot(): Promise<MetricsResponseDto> {
    return MetricsResponseDto.from(await this.metrics.snapshot());
  }

  @Get('stats/workers')
  @ApiOperation({ summary: 'Every live worker process (by heartbeat) and their totals' })
  @ApiOkResponse({
    type: WorkerPoolResponseDto,
    description: 'The worker processes with a live heartbeat',
  })
  @ApiErrorResponse(503, 'Redis is not reachable', {
    unreachable: new QueueUnavailableError().message,
  })
  async workers(): Promise<WorkerPoolResponseDto> {
    return WorkerPoolResponseDto.from(await this.registry.snapshot());
  }
}
