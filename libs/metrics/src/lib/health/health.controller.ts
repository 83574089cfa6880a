import { Controller, Get, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { EventLoopHealthIndicator } from './event-loop.health';
import { HealthCheckFailureFilter } from './health-check-failure.filter';
import { QueueHealthIndicator } from './queue.health';
import { RedisHealthIndicator } from './redis.health';
import { SchedulerHealthIndicator } from './scheduler.health';
import { WorkerPoolHealthIndicator } from './worker-pool.health';

@ApiTags('health')
@Controller('health')
@UseFilters(HealthCheckFailureFilter)
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
  @ApiOperation({ summary: 'Readiness: Redis, queue progress, worker pool and scheduler' })
  readiness(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.redis.isHealthy('redis'),
      () => this.queue.isHealthy('queue'),
      () => this.workerPool.isHealthy('worker_pool'),
      () => this.scheduler.isHealthy('scheduler'),
    ]);
  }

  @Get('live')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the event loop is not blocked' })
  liveness(): Promise<HealthCheckResult> {
    return this.health.check([() => this.eventLoop.isHealthy('event_loop')]);
  }
}
