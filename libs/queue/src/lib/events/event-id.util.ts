import { InvalidEventIdError } from '../errors/invalid-event-id.error';
import { isJobEventId } from '../model/job-event-record';

/** Throws InvalidEventIdError unless `id` is an event id (a client's Last-Event-ID, say). */
export function assertEventId(id: string, source = 'Last-Event-ID'): string {
  if (!isJobEventId(id)) throw new InvalidEventIdError(source, id);
  return id;
}

/**
 * Whether stream id `a` comes after `b` (compareJobEventIds > 0) for ids in canonical form (no
 * leading zeros, as Redis writes them; see canonicalEventId), without allocating: this runs for
 * every event and every follower. Digit strings of equal length order as their numbers.
 */
export function isAfter(a: string, b: string): boolean {
  if (a === b) return false;
  const aDash = a.indexOf('-');
  const bDash = b.indexOf('-');
  if (aDash !== bDash) return aDash > bDash;
  for (let i = 0; i < aDash; i += 1) {
    const diff = a.charCodeAt(i) - b.charCodeAt(i);
    if (diff !== 0) return diff > 0;
  }
  const aSeq = a.length - aDash;
  const bSeq = b.length - bDash;
  if (aSeq !== bSeq) return aSeq > bSeq;
  for (let i = aDash + 1; i < a.length; i += 1) {
    const diff = a.charCodeAt(i) - b.charCodeAt(i);
    if (diff !== 0) return diff > 0;
  }
  return false;
}

/** `007-01` → `7-1`: the form Redis gives every id, which isAfter relies on. */
export function canonicalEventId(id: string): string {
  const dash = id.indexOf('-');
  return `${BigInt(id.slice(0, dash))}-${BigInt(id.slice(dash + 1))}`;
}
