import { ApiProperty } from '@nestjs/swagger';

const INDICATORS = {
  type: 'object' as const,
  description: 'Indicator name → its state: `{status}`, plus details for callers with metrics:read',
  additionalProperties: {
    type: 'object' as const,
    required: ['status'],
    properties: { status: { type: 'string' as const, enum: ['up', 'down'] } },
    additionalProperties: true,
  },
};

/** Terminus' health answer: `{status, info, error, details}`. */
export class HealthResponseDto {
  @ApiProperty({
    enum: ['ok', 'error', 'shutting_down'],
    example: 'ok',
    description: 'ok when every indicator is up',
  })
  status!: string;
  @ApiProperty({ ...INDICATORS, description: 'The indicators that are up' }) info!: object;
  @ApiProperty({ ...INDICATORS, description: 'The indicators that are down' }) error!: object;
  @ApiProperty({ ...INDICATORS, description: 'Every indicator' }) details!: object;
}

const up = {
  redis: { status: 'up' },
  queue: { status: 'up' },
  worker_pool: { status: 'up' },
  scheduler: { status: 'up' },
};

export const HEALTH_UP_EXAMPLE = { status: 'ok', info: up, error: {}, details: up };

export const HEALTH_DOWN_EXAMPLE = {
  status: 'error',
  info: { redis: { status: 'up' }, queue: { status: 'up' }, scheduler: { status: 'up' } },
  error: { worker_pool: { status: 'down' } },
  details: { ...up, worker_pool: { status: 'down' } },
};
