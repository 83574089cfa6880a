import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { QueueService } from '@riptide/queue';
import { QueueStatsResponseDto } from '../jobs/job-responses.dto';

@ApiTags('stats')
@Controller('workers/stats')
export class StatsController {
  constructor(private readonly queue: QueueService) {}

  @Get('queue')
  @ApiOperation({ summary: 'Job counts by status across the whole queue' })
  @ApiOkResponse({ type: QueueStatsResponseDto })
  async queueStats(): Promise<QueueStatsResponseDto> {
    return QueueStatsResponseDto.from(await this.queue.counts());
  }
}
