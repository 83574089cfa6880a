import { shutdownBudget } from './graceful-shutdown';

describe('shutdownBudget', () => {
  it('keeps a fifth of the grace period, at most 2 s, for the redis-server and gives the app the rest', () => {
    expect(shutdownBudget(500)).toEqual({ appMs: 400, redisMs: 100, drainMs: 300 });
    expect(shutdownBudget(25000)).toEqual({ appMs: 23000, redisMs: 2000, drainMs: 20000 });
    expect(shutdownBudget(0)).toEqual({ appMs: 0, redisMs: 0, drainMs: 0 });
  });
});
