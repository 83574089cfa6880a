import {
  canonicalTimezone,
  checkCron,
  nextSlot,
  nextSlots,
  normaliseCron,
  wallClockMs,
} from './cron-schedule.util';

const at = (iso: string) => new Date(iso).getTime();
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const slots = (expr: string, tz: string, after: string, count: number) =>
  nextSlots(expr, tz, at(after), count).map(iso);

describe('cron expressions', () => {
  it('reads 5-field expressions as minutes', () => {
    expect(slots('*/5 * * * *', 'UTC', '2026-01-01T00:00:00Z', 3)).toEqual([
      '2026-01-01T00:05:00.000Z',
      '2026-01-01T00:10:00.000Z',
      '2026-01-01T00:15:00.000Z',
    ]);
  });

  it('reads 6-field expressions with leading seconds', () => {
    expect(slots('* * * * * *', 'UTC', '2026-01-01T00:00:00.400Z', 3)).toEqual([
      '2026-01-01T00:00:01.000Z',
      '2026-01-01T00:00:02.000Z',
      '2026-01-01T00:00:03.000Z',
    ]);
    expect(slots('30 0 9 * * 1', 'UTC', '2026-01-01T00:00:00Z', 2)).toEqual([
      '2026-01-05T09:00:30.000Z',
      '2026-01-12T09:00:30.000Z',
    ]);
  });

  it('reads macros in any case and normalises blanks', () => {
    expect(normaliseCron('  @Daily ')).toBe('@daily');
    expect(normaliseCron(' 0   9 * * 1-5 ')).toBe('0 9 * * 1-5');
    expect(slots('@DAILY', 'UTC', '2026-01-01T10:00:00Z', 1)).toEqual(['2026-01-02T00:00:00.000Z']);
    expect(slots('@hourly', 'UTC', '2026-01-01T10:00:00Z', 1)).toEqual([
      '2026-01-01T11:00:00.000Z',
    ]);
  });

  it('fires in the schedule time zone', () => {
    expect(slots('0 9 * * *', 'Europe/Berlin', '2026-01-01T00:00:00Z', 1)).toEqual([
      '2026-01-01T08:00:00.000Z',
    ]);
    expect(slots('0 9 * * *', 'America/New_York', '2026-07-01T00:00:00Z', 1)).toEqual([
      '2026-07-01T13:00:00.000Z',
    ]);
    expect(slots('@daily', 'Asia/Kolkata', '2026-01-01T00:00:00Z', 1)).toEqual([
      '2026-01-01T18:30:00.000Z',
    ]);
  });

  it('returns the next slot strictly after the given instant', () => {
    expect(iso(nextSlot('0 * * * *', 'UTC', at('2026-01-01T10:00:00Z')))).toBe(
      '2026-01-01T11:00:00.000Z',
    );
  });

  it('explains what is wrong with invalid expressions', () => {
    const check = (expr: string, min = 1) =>
      checkCron(expr, 'UTC', min, at('2026-01-01T00:00:00Z')).problems;
    expect(check('* * * *')).toEqual([
      'must have 5 fields (minute hour day-of-month month day-of-week), 6 with leading seconds, or be a macro (@yearly, @annually, @monthly, @weekly, @daily, @hourly, @minutely, @secondly, @weekdays, @weekends); got 4 field(s)',
    ]);
    expect(check('0 0 0 * * * 2026')[0]).toContain('got 7 field(s)');
    expect(check('@fortnightly')).toEqual([
      'uses unknown macro "@fortnightly" (known: @yearly, @annually, @monthly, @weekly, @daily, @hourly, @minutely, @secondly, @weekdays, @weekends)',
    ]);
    expect(check('61 * * * *')).toEqual([
      'is invalid: Constraint error, got value 61 expected range 0-59',
    ]);
    expect(check('0 0 30 2 *')).toEqual(['is invalid: Invalid explicit day of month definition']);
    expect(check('')).toEqual(['must be a non-empty string']);
    expect(check('* * * * * *', 5)).toEqual([
      'fires every 1 second(s) at times; the minimum interval is 5 second(s) (SCHEDULER_MIN_INTERVAL_SECS)',
    ]);
    expect(check('*/10 * * * * *', 5)).toEqual([]);
    expect(check('0 0 29 2 *')).toEqual([]);
  });

  it('knows IANA time zones and spells them canonically', () => {
    expect(canonicalTimezone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(canonicalTimezone('europe/berlin')).toBe('Europe/Berlin');
    expect(canonicalTimezone('UTC')).toBe('UTC');
    expect(canonicalTimezone('Mars/Olympus_Mons')).toBeUndefined();
    expect(canonicalTimezone('')).toBeUndefined();
  });

  it('reads wall-clock time in a zone', () => {
    expect(iso(wallClockMs(at('2026-07-01T12:00:00.250Z'), 'Europe/Berlin'))).toBe(
      '2026-07-01T14:00:00.250Z',
    );
  });
});

describe('daylight-saving transitions (classic cron rule)', () => {
  // Europe/Berlin: 2026-03-29 02:00 CET → 03:00 CEST (01:00Z); 2026-10-25 03:00 CEST → 02:00 CET (01:00Z).
  it('runs a skipped local time once, right after the forward jump', () => {
    expect(slots('30 2 * * *', 'Europe/Berlin', '2026-03-28T12:00:00Z', 3)).toEqual([
      '2026-03-29T01:00:00.000Z', // 03:00 CEST, the first instant after the jump
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
      '2026-03-31T00:30:00.000Z',
    ]);
    // America/New_York: 2026-03-08 02:00 EST → 03:00 EDT (07:00Z).
    expect(slots('30 2 * * *', 'America/New_York', '2026-03-07T12:00:00Z', 2)).toEqual([
      '2026-03-08T07:00:00.000Z',
      '2026-03-09T06:30:00.000Z',
    ]);
  });

  it('keeps a real slot after the jump when the skipped one also fires', () => {
    expect(slots('30 2,3 * * *', 'Europe/Berlin', '2026-03-28T12:00:00Z', 3)).toEqual([
      '2026-03-29T01:00:00.000Z', // the skipped 02:30
      '2026-03-29T01:30:00.000Z', // 03:30 CEST
      '2026-03-30T00:30:00.000Z',
    ]);
  });

  it('does not invent a slot for times the jump did not skip', () => {
    expect(slots('0 3 * * *', 'Europe/Berlin', '2026-03-28T12:00:00Z', 2)).toEqual([
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T01:00:00.000Z',
    ]);
    expect(slots('0 1 * * *', 'Europe/Berlin', '2026-03-28T12:00:00Z', 2)).toEqual([
      '2026-03-29T00:00:00.000Z',
      '2026-03-29T23:00:00.000Z',
    ]);
  });

  it('runs a repeated local time once, at its first occurrence', () => {
    expect(slots('30 2 * * *', 'Europe/Berlin', '2026-10-24T12:00:00Z', 2)).toEqual([
      '2026-10-25T00:30:00.000Z', // 02:30 CEST; 02:30 CET an hour later does not fire
      '2026-10-26T01:30:00.000Z',
    ]);
    expect(slots('30 1 * * *', 'America/New_York', '2026-10-31T12:00:00Z', 2)).toEqual([
      '2026-11-01T05:30:00.000Z',
      '2026-11-02T06:30:00.000Z',
    ]);
  });

  it('keeps wildcard-hour schedules on elapsed time across both jumps', () => {
    expect(slots('0 * * * *', 'Europe/Berlin', '2026-03-28T23:30:00Z', 3)).toEqual([
      '2026-03-29T00:00:00.000Z',
      '2026-03-29T01:00:00.000Z',
      '2026-03-29T02:00:00.000Z',
    ]);
    expect(slots('*/30 * * * *', 'Europe/Berlin', '2026-10-24T23:50:00Z', 5)).toEqual([
      '2026-10-25T00:00:00.000Z',
      '2026-10-25T00:30:00.000Z',
      '2026-10-25T01:00:00.000Z',
      '2026-10-25T01:30:00.000Z',
      '2026-10-25T02:00:00.000Z',
    ]);
  });
});
