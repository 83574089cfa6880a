import { InvalidEventIdError } from '../errors/invalid-event-id.error';

/** A Redis stream entry id, the id of every job event: `<unix ms>-<sequence>`. */
export const EVENT_ID_PATTERN = /^\d{1,16}-\d{1,16}$/;

/** Throws InvalidEventIdError unless `id` is a stream entry id (a client's Last-Event-ID). */
export function assertEventId(id: string, source = 'Last-Event-ID'): string {
  if (!EVENT_ID_PATTERN.test(id)) throw new InvalidEventIdError(source, id);
  return id;
}

function parts(id: string): [number, number] {
  const dash = id.indexOf('-');
  return [Number(id.slice(0, dash)), Number(id.slice(dash + 1))];
}

/** Orders two stream ids as Redis does: by time, then by sequence (never as strings). */
export function compareEventIds(a: string, b: string): number {
  const [aMs, aSeq] = parts(a);
  const [bMs, bSeq] = parts(b);
  return aMs !== bMs ? aMs - bMs : aSeq - bSeq;
}
