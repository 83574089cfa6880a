import { Controller, Get, Req, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HEALTH_DOWN_EXAMPLE, HEALTH_UP_EXAMPLE, HealthResponseDto } from './health-response.dto';
import { OptionalAuth } from '@riptide/auth';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import {
  EventLoopHealthIndicator,
  QueueHealthIndicator,
  RedisHealthIndicator,
  SchedulerHealthIndicator,
  WorkerPoolHealthIndicator,
} from '@riptide/metrics';
import { UseApiContract } from '../http/api-contract.decorator';
import { HealthCheckFailureFilter } from './health-check-failure.filter';
import { healthForCaller } from './health-visibility.util';

@ApiTags('health')
@Controller('health')
@UseApiContract()
@OptionalAuth()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly redis: RedisHealthIndicator,
    private readonly queue: QueueHealthIndicator,
    private readonly workerPool: WorkerPoolHealthIndicator,
    private readonly scheduler: SchedulerHealthIndicator,
    private readonly eventLoop: EventLoopHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  // On the method, so that it sees Terminus' 503 before the class's catch-all error filter.
  @UseFilters(HealthCheckFailureFilter)
  @ApiOperation({
    summary: 'Readiness: Redis, queue progress, worker pool and scheduler',
    description: 'No key needed; details beyond each status need metrics:read.',
  })
  @ApiResponse({
    status: 200,
    type: HealthResponseDto,
    description: 'Every indicator is up',
    example: HEALTH_UP_EXAMPLE,
  })
  @ApiResponse({
    status: 503,
    type: HealthResponseDto,
    description: 'An indicator is down',
    example: HEALTH_DOWN_EXAMPLE,
  })
  async readiness(@Req() request: object): Promise<HealthCheckResult> {
    return healthForCaller(
      request,
      await this.health.check([
        () => this.redis.isHealthy('redis'),
        () => this.queue.isHealthy('queue'),
        () => this.workerPool.isHealthy('worker_pool'),
        () => this.scheduler.isHealthy('scheduler'),
      ]),
    );
  }

  @Get('live')
  @HealthCheck()
  @UseFilters(HealthCheckFailureFilter)
  @ApiOperation({
    summary: 'Liveness: the event loop is not blocked',
    description: 'No key needed; details beyond each status need metrics:read.',
  })
  @ApiResponse({
    status: 200,
    type: HealthResponseDto,
    description: 'The event loop answers in time',
    example: {
      status: 'ok',
      info: { event_loop: { status: 'up' } },
      error: {},
      details: { event_loop: { status: 'up' } },
    },
  })
  @ApiResponse({
    status: 503,
    type: HealthResponseDto,
    description: 'The event loop lags',
    example: {
      status: 'error',
      info: {},
      error: { event_loop: { status: 'down' } },
      details: { event_loop: { status: 'down' } },
    },
  })
  async liveness(@Req() request: object): Promise<HealthCheckResult> {
    return healthForCaller(
      request,
      await this.health.check([() => this.eventLoop.isHealthy('event_loop')]),
    );
  }
}
