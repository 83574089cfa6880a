import type { FastifyInstance } from 'fastify';
import { hostOfHostHeader, isLoopbackHost } from '@riptide/host';
import { AuthMessages } from '@riptide/auth';
import { errorBody } from '@riptide/workers-api';

const REFUSAL = errorBody(403, AuthMessages.nonLoopbackHost);

/**
 * Local mode answers only requests addressed to this machine by name. A page on another site
 * that points its own name at 127.0.0.1 (DNS rebinding) then reaches nothing, although the
 * browser sends it here.
 */
export function refuseNonLoopbackHosts(fastify: FastifyInstance): void {
  // A client sends the same Host header on every request: decide each one once.
  const verdicts = new Map<string, boolean>();
  const allowed = (header: string | undefined): boolean => {
    if (header === undefined) return false;
    let verdict = verdicts.get(header);
    if (verdict === undefined) {
      const host = hostOfHostHeader(header);
      verdict = host !== null && isLoopbackHost(host);
      if (verdicts.size >= 256) verdicts.clear();
      verdicts.set(header, verdict);
    }
    return verdict;
  };
  fastify.addHook('onRequest', (request, reply, done) => {
    if (allowed(request.headers.host)) return done();
    void reply.code(403).header('content-type', 'application/json; charset=utf-8').send(REFUSAL);
  });
}
