/** Delay before the first restart of a server that died; doubled for each failed attempt after it. */
export const FIRST_RESTART_DELAY_MS = 100;
/** The longest wait between two restart attempts. */
export const MAX_RESTART_DELAY_MS = 5000;

/**
 * How long to wait before restart attempt `attempt` (0 for the first after a crash): quick the
 * first time, so a one-off crash costs the API a fraction of a second, and slower while the
 * server keeps failing to come back, so a broken install does not spin.
 */
export function restartDelayMs(attempt: number): number {
  return Math.min(MAX_RESTART_DELAY_MS, FIRST_RESTART_DELAY_MS * 2 ** Math.max(0, attempt));
}
