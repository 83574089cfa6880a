/** The part of Fastify's reply a handler uses to add headers (RateLimit-*, Idempotent-Replayed). */
export interface ReplyHeaders {
  header(name: string, value: string): unknown;
}
