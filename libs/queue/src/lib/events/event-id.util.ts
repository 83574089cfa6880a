import { InvalidEventIdError } from '../errors/invalid-event-id.error';
import { isJobEventId } from '../model/job-event-record';

/** Throws InvalidEventIdError unless `id` is an event id (a client's Last-Event-ID, say). */
export function assertEventId(id: string, source = 'Last-Event-ID'): string {
  if (!isJobEventId(id)) throw new InvalidEventIdError(source, id);
  return id;
}
