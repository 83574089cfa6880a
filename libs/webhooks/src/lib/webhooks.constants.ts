/** Injection token of the resolved options (defaults applied). */
export const RESOLVED_WEBHOOKS_OPTIONS = 'RIPTIDE_WEBHOOKS:RESOLVED_OPTIONS';
/** Injection token of the webhooks' own Redis connection (secrets, subscriptions, delivery records). */
export const WEBHOOKS_REDIS = 'RIPTIDE_WEBHOOKS:REDIS';

/** Standing subscriptions a tenant may hold. */
export const MAX_SUBSCRIPTIONS_PER_TENANT = 20;
/** Longest webhook URL. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;
/** Secrets are `whsec_` + 32 random bytes in base64url. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';
export const WEBHOOK_SECRET_BYTES = 32;
/** Attempts kept in a job's delivery record (the newest). */
export const DELIVERY_RECORD_LENGTH = 100;
/** Bytes of a receiver's answer that are read (then dropped): enough to free the connection. */
export const RESPONSE_READ_LIMIT = 4096;
/** Header names of a delivery. */
export const SIGNATURE_HEADER = 'RipTide-Signature';
export const EVENT_ID_HEADER = 'RipTide-Event-Id';
export const EVENT_HEADER = 'RipTide-Event';
