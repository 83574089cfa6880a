/** User-facing text of the HTTP API; kept here so wording is reviewed in one place. */
export const WorkersApiMessages = {
  /** `received` is the request's Content-Type header, or undefined when it sent none. */
  unsupportedMediaType: (received: string | undefined) =>
    received === undefined || received.trim() === ''
      ? 'The request has no Content-Type: send the body as JSON with Content-Type: application/json'
      : `Content-Type ${JSON.stringify(received.slice(0, 100))} is not accepted: send the body as JSON with Content-Type: application/json`,
  /** One message for every way a paging parameter can be wrong (not a number, a fraction, out of range). */
  integerInRange: (field: string, min: number, max: number) =>
    `${field} must be an integer from ${min} to ${max}`,
  tooManyStreams: (max: number) =>
    `This server holds its maximum of ${max} event streams (SSE_MAX_CONNECTIONS); try again later or on another server`,
  tooManyStreamsForKey: (max: number) =>
    `This key already holds ${max} event streams on this server (SSE_MAX_CONNECTIONS_PER_KEY); close one first`,
  adminStreamNeedsTenant:
    'tenant is required with an admin key: an event stream follows one tenant (add ?tenant=<name>)',
  lastEventIdMismatch:
    'Last-Event-ID and last_event_id name different events; send one (the header wins on reconnects)',
} as const;
