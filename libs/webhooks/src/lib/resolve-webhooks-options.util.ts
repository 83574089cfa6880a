import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { ResolvedWebhooksOptions, WebhooksModuleOptions } from './webhooks-options.interface';

/** Applies every documented default once. */
export function resolveWebhooksOptions(options: WebhooksModuleOptions): ResolvedWebhooksOptions {
  return {
    redisUrl: options.redisUrl,
    prefix: options.prefix ?? 'riptide',
    dispatch: options.dispatch ?? false,
    allowPrivateNetworks: options.allowPrivateNetworks ?? false,
    allowedNetworks: options.allowedNetworks ?? [],
    userAgent: options.userAgent ?? 'RipTide-Webhooks/1.0',
    secretOverlapSecs: options.secretOverlapSecs ?? 86400,
    maxAttempts: options.maxAttempts ?? 8,
    backoffBaseMs: options.backoffBaseMs ?? 30000,
    timeoutMs: options.timeoutMs ?? 10000,
    recordTtlSecs: options.recordTtlSecs ?? 3600,
    concurrency: options.concurrency ?? 64,
    claimIdleMs: options.claimIdleMs ?? 60000,
    blockMs: options.blockMs ?? 2000,
    consumerName:
      options.consumerName ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
    commandTimeoutMs: options.commandTimeoutMs ?? 1500,
  };
}

/**
 * When each retry of a delivery happens, in seconds after the first attempt: bull's exponential
 * backoff waits `base × 2^(n-1)` before the n-th retry. The README's schedule is computed here.
 */
export function deliveryRetrySchedule(options: {
  maxAttempts: number;
  backoffBaseMs: number;
}): number[] {
  const at: number[] = [];
  let elapsed = 0;
  for (let retry = 1; retry < options.maxAttempts; retry++) {
    elapsed += (options.backoffBaseMs * 2 ** (retry - 1)) / 1000;
    at.push(elapsed);
  }
  return at;
}
