import { RetryConfig } from '@riptide/queue';
import type { RetryConfigDto } from './submit-job.dto';

/** `retry_config` wire → domain, only the fields given (a PATCH merges them over what is stored). */
export function retryConfigFromWire(wire: RetryConfigDto): Partial<RetryConfig> {
  const out: Partial<RetryConfig> = {};
  if (wire.max_attempts !== undefined) out.maxAttempts = wire.max_attempts;
  if (wire.initial_delay_secs !== undefined) out.initialDelaySecs = wire.initial_delay_secs;
  if (wire.backoff_multiplier !== undefined) out.backoffMultiplier = wire.backoff_multiplier;
  if (wire.max_delay_secs !== undefined) out.maxDelaySecs = wire.max_delay_secs;
  if (wire.use_jitter !== undefined) out.useJitter = wire.use_jitter;
  return out;
}
