import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { RequireScope } from '@riptide/auth';
import { PrometheusService } from '@riptide/metrics';
import { UseApiContract } from '../http/api-contract.decorator';

@ApiTags('observability')
@RequireScope('metrics:read')
@Controller('metrics')
@UseApiContract()
export class PrometheusController {
  constructor(private readonly prometheus: PrometheusService) {}

  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary:
      'Prometheus text exposition: job counters and latency histograms across all processes, queue and worker gauges, process metrics',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Prometheus text format 0.0.4',
    schema: { type: 'string' },
    example:
      '# HELP riptide_jobs_completed_total Jobs that completed.\n# TYPE riptide_jobs_completed_total counter\nriptide_jobs_completed_total{job_type="single_crawl"} 1520\n',
  })
  metrics(): Promise<string> {
    return this.prometheus.metrics();
  }
}
