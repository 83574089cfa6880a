import { hasScope, principalOf } from '@riptide/auth';
import type { HealthCheckResult, HealthIndicatorResult } from '@nestjs/terminus';

/** Each indicator reduced to its status: what a caller without `metrics:read` may see. */
export function statusesOnly(result: HealthCheckResult): HealthCheckResult {
  const strip = (section?: Partial<HealthIndicatorResult>): HealthIndicatorResult | undefined =>
    section
      ? Object.fromEntries(
          Object.entries(section).flatMap(([key, value]) =>
            value ? [[key, { status: value.status }]] : [],
          ),
        )
      : undefined;
  return {
    status: result.status,
    info: strip(result.info),
    error: strip(result.error),
    details: strip(result.details) ?? {},
  };
}

/** Probes' details (Redis latency, queue age, scheduler lag, eviction policy) are for `metrics:read` only. */
export function healthForCaller(request: object, result: HealthCheckResult): HealthCheckResult {
  const caller = principalOf(request);
  return caller && hasScope(caller, 'metrics:read') ? result : statusesOnly(result);
}
