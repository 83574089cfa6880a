import {
  FIRST_RESTART_DELAY_MS,
  MAX_RESTART_DELAY_MS,
  restartDelayMs,
} from './restart-backoff.util';

describe('restartDelayMs', () => {
  it('restarts quickly first, doubles while restarts fail, and never waits longer than the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 20].map(restartDelayMs)).toEqual([
      100, 200, 400, 800, 1600, 3200, 5000, 5000,
    ]);
    expect(restartDelayMs(0)).toBe(FIRST_RESTART_DELAY_MS);
    expect(restartDelayMs(1000)).toBe(MAX_RESTART_DELAY_MS);
  });
});
