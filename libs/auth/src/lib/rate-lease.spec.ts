import { LEASE_TTL_MS, RateLease, leaseSize } from './rate-lease';

describe('leaseSize', () => {
  it('is a tenth of the rate or burst, whichever is smaller, between 1 and 100 tokens', () => {
    expect(leaseSize(50, 100)).toBe(5);
    expect(leaseSize(1000, 20)).toBe(2);
    expect(leaseSize(19, 1000)).toBe(1);
    expect(leaseSize(1, 5)).toBe(1);
    expect(leaseSize(1_000_000, 1_000_000)).toBe(100);
  });
});

describe('RateLease', () => {
  it('spends each leased token once, counting the rest into the remaining budget', () => {
    const lease = new RateLease();
    expect(lease.spend(0)).toBeNull();
    lease.renew(3, 1000, { remaining: 40, resetSecs: 3 });
    expect(lease.spend(1001)).toEqual({ remaining: 42, resetSecs: 3 });
    expect(lease.spend(1002)).toEqual({ remaining: 41, resetSecs: 3 });
    expect(lease.spent(1002)).toBe(false);
    expect(lease.spend(1003)).toEqual({ remaining: 40, resetSecs: 3 });
    expect(lease.spend(1004)).toBeNull();
    expect(lease.spent(1004)).toBe(true);
  });

  it('lets tokens left unspent past the lease’s life go', () => {
    const lease = new RateLease();
    lease.renew(5, 0, { remaining: 0, resetSecs: 0 });
    expect(lease.spend(LEASE_TTL_MS - 1)).not.toBeNull();
    expect(lease.spend(LEASE_TTL_MS)).toBeNull();
    expect(lease.spent(LEASE_TTL_MS)).toBe(true);
  });
});
