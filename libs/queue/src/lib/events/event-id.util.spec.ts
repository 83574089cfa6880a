import { compareJobEventIds } from '../model/job-event-record';
import { InvalidEventIdError } from '../errors/invalid-event-id.error';
import { assertEventId, canonicalEventId, isAfter } from './event-id.util';

describe('event ids', () => {
  it('accepts only ids Redis accepts: two unsigned 64-bit integers', () => {
    expect(assertEventId('18446744073709551615-18446744073709551615')).toBeTruthy();
    expect(() => assertEventId('18446744073709551616-0')).toThrow(InvalidEventIdError);
    expect(() => assertEventId('0-18446744073709551616')).toThrow(InvalidEventIdError);
    expect(() => assertEventId('99999999999999999999-0')).toThrow(InvalidEventIdError);
  });

  it('orders ids as their two integers, never as text', () => {
    expect(isAfter('10-0', '9-0')).toBe(true);
    expect(isAfter('9-0', '10-0')).toBe(false);
    expect(isAfter('5-10', '5-9')).toBe(true);
    expect(isAfter('5-9', '5-10')).toBe(false);
    expect(isAfter('5-1', '5-1')).toBe(false);
    expect(isAfter('1733250000001-0', '1733250000000-99')).toBe(true);
    expect(isAfter('1-0', '0-0')).toBe(true);
  });

  it('agrees with compareJobEventIds on every pair of a varied set', () => {
    const ids: string[] = [];
    for (const ms of [0, 1, 9, 10, 99, 100, 1733250000000, 1733250000001, 17332500000000])
      for (const seq of [0, 1, 9, 10, 11, 100]) ids.push(`${ms}-${seq}`);
    for (const a of ids)
      for (const b of ids)
        expect([a, b, isAfter(a, b)]).toEqual([a, b, compareJobEventIds(a, b) > 0]);
  });

  it('writes ids without leading zeros, as Redis does', () => {
    expect(canonicalEventId('0001733250000000-007')).toBe('1733250000000-7');
    expect(canonicalEventId('0-0')).toBe('0-0');
    expect(canonicalEventId('00-00')).toBe('0-0');
  });

  it('refuses what is not an id, naming where it came from', () => {
    expect(assertEventId('1-0')).toBe('1-0');
    for (const bad of ['', '1', '1-', '-1', 'a-1', '1-0-0', '1 -0', '1-0\n'])
      expect(() => assertEventId(bad)).toThrow(InvalidEventIdError);
    expect(() => assertEventId('x', 'last_event_id')).toThrow(
      'last_event_id must be the id of an event, as sent on its id: line (digits-digits, e.g. 1733250000000-0)',
    );
  });
});
