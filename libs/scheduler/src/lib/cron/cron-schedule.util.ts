import { CronExpressionParser } from 'cron-parser';
import { CRON_MACROS } from '../scheduler.constants';
import { SchedulerMessages } from '../scheduler.messages';

/*
 * Cron arithmetic as pure functions of an explicit `now`, so time zones and daylight-saving
 * transitions are tested with fixed dates. Slots are whole-second instants (epoch ms).
 */

const HOUR_MS = 3600_000;
/** Far enough to see a daylight-saving jump just before a candidate slot. */
const JUMP_WINDOW_MS = 26 * HOUR_MS;
/** Slots looked at when checking the minimum interval. */
const INTERVAL_SAMPLE = 20;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, formatter);
  }
  return formatter;
}

/** The IANA name in its canonical spelling (`europe/paris` → `Europe/Paris`), or undefined if unknown. */
export function canonicalTimezone(zone: string): string | undefined {
  if (typeof zone !== 'string' || !zone.trim()) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone.trim() }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** The local wall-clock time of an instant, expressed as if that wall clock were UTC. */
export function wallClockMs(instant: number, timezone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timezone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(
    parts['year'],
    parts['month'] - 1,
    parts['day'],
    parts['hour'],
    parts['minute'],
    parts['second'],
  );
  return wall + (((instant % 1000) + 1000) % 1000);
}

const offsetAt = (instant: number, timezone: string): number =>
  wallClockMs(instant, timezone) - instant;

/** Trims, collapses blanks and lower-cases macros, so equal expressions are stored alike. */
export function normaliseCron(expression: string): string {
  const text = expression.trim().replace(/\s+/g, ' ');
  return text.startsWith('@') ? text.toLowerCase() : text;
}

/** Problems of the expression's shape (field count, macro name); empty when cron-parser may judge it. */
function shapeProblems(expression: string): string[] {
  if (!expression) return [SchedulerMessages.mustBeNonEmpty];
  if (expression.startsWith('@'))
    return (CRON_MACROS as readonly string[]).includes(expression)
      ? []
      : [SchedulerMessages.unknownMacro(expression)];
  const fields = expression.split(' ').length;
  return fields === 5 || fields === 6 ? [] : [SchedulerMessages.cronFieldCount(fields)];
}

function firstAfter(expression: string, after: number, timezone: string): number | null {
  try {
    return CronExpressionParser.parse(expression, { currentDate: new Date(after), tz: timezone })
      .next()
      .getTime();
  } catch {
    return null;
  }
}

/** True when the wall-clock time (as fake UTC) is one the expression names. */
function matchesWallClock(expression: string, wall: number): boolean {
  return firstAfter(expression, wall - 1, 'UTC') === wall;
}

/** The instant of a forward jump of the UTC offset in (from, to], or null. */
function forwardJumpBetween(from: number, to: number, timezone: string): number | null {
  const before = offsetAt(from, timezone);
  if (offsetAt(to, timezone) <= before) return null;
  let lo = Math.floor(from / 1000);
  let hi = Math.ceil(to / 1000);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(mid * 1000, timezone) > before) hi = mid;
    else lo = mid;
  }
  return hi * 1000;
}

/** True when the expression names a local time that the forward jump at `jump` skipped. */
function namesSkippedTime(expression: string, jump: number, timezone: string): boolean {
  const start = wallClockMs(jump - 1000, timezone) + 1000;
  const end = wallClockMs(jump, timezone);
  const first = firstAfter(expression, start - 1, 'UTC');
  return first !== null && first < end;
}

function skippedSlot(
  expression: string,
  timezone: string,
  after: number,
  candidate: number,
): number | null {
  const jump =
    forwardJumpBetween(after, candidate, timezone) ??
    forwardJumpBetween(Math.max(after, candidate - JUMP_WINDOW_MS), candidate, timezone);
  return jump !== null &&
    jump > after &&
    jump <= candidate &&
    namesSkippedTime(expression, jump, timezone)
    ? jump
    : null;
}

/**
 * The first slot strictly after `after` (epoch ms), or null if the expression never fires again.
 * Daylight saving follows the classic cron rule: a local time skipped by a forward jump runs once,
 * at the jump; a local time repeated by a backward jump runs once, at its first occurrence.
 * Expressions with wildcard hours keep firing by elapsed time across both jumps.
 */
export function nextSlot(expression: string, timezone: string, after: number): number | null {
  const expr = normaliseCron(expression);
  let cursor = after;
  for (let guard = 0; guard < 1000; guard++) {
    const candidate = firstAfter(expr, cursor, timezone);
    if (candidate === null) return null;
    const skipped = skippedSlot(expr, timezone, Math.max(after, cursor), candidate);
    if (skipped !== null) return skipped;
    // cron-parser moves a skipped local time past the jump (02:30 → 03:30); that is not a slot.
    if (matchesWallClock(expr, wallClockMs(candidate, timezone))) return candidate;
    cursor = candidate;
  }
  return null;
}

/** The next `count` slots after `after`. */
export function nextSlots(
  expression: string,
  timezone: string,
  after: number,
  count: number,
): number[] {
  const slots: number[] = [];
  let cursor = after;
  while (slots.length < count) {
    const slot = nextSlot(expression, timezone, cursor);
    if (slot === null) break;
    slots.push(slot);
    cursor = slot;
  }
  return slots;
}

export interface CronCheck {
  /** What is wrong with the expression (each reads after the field name), empty when valid. */
  problems: string[];
  /** The normalised expression. */
  expression: string;
}

/**
 * Validates an expression in a time zone: shape, cron-parser's verdict, that it ever fires, and
 * that no two slots are closer than `minIntervalSecs`.
 */
export function checkCron(
  expression: string,
  timezone: string,
  minIntervalSecs: number,
  now: number,
): CronCheck {
  const expr = typeof expression === 'string' ? normaliseCron(expression) : '';
  const shape = shapeProblems(expr);
  if (shape.length) return { problems: shape, expression: expr };
  try {
    CronExpressionParser.parse(expr, { currentDate: new Date(now), tz: timezone });
  } catch (error) {
    return {
      problems: [SchedulerMessages.cronInvalid((error as Error).message)],
      expression: expr,
    };
  }
  const slots = nextSlots(expr, timezone, now, INTERVAL_SAMPLE);
  if (!slots.length) return { problems: [SchedulerMessages.cronNeverFires], expression: expr };
  let gap = Infinity;
  for (let i = 1; i < slots.length; i++) gap = Math.min(gap, slots[i] - slots[i - 1]);
  if (gap < minIntervalSecs * 1000)
    return {
      problems: [SchedulerMessages.tooFrequent(gap / 1000, minIntervalSecs)],
      expression: expr,
    };
  return { problems: [], expression: expr };
}
