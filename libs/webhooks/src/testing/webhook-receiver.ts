import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../lib/signing/webhook-signature.util';

/** One request the receiver got. */
export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  /** The exact bytes received, as text. */
  body: string;
  /** The status it answered. */
  status: number;
}

/** A local HTTP server that receives webhooks, as a receiver in production would. */
export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>/hooks` */
  url: string;
  /** Every request, in arrival order. */
  received: ReceivedWebhook[];
  /** Bodies accepted (2xx) once per event id, in order: what a de-duplicating receiver keeps. */
  accepted: string[];
  close(): Promise<void>;
}

/**
 * Starts a receiver on 127.0.0.1. `answer` picks the status of each request (default 200); a
 * receiver that de-duplicates by `RipTide-Event-Id` keeps each event once in `accepted`, and with
 * `secret` it answers 401 to a request whose signature does not verify.
 */
export async function startWebhookReceiver(
  options: { answer?: (request: number) => number; secret?: string } = {},
): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const accepted: string[] = [];
  const seen = new Set<string>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let status = options.answer?.(received.length) ?? 200;
      const signature = req.headers['riptide-signature'];
      if (
        options.secret !== undefined &&
        (typeof signature !== 'string' || !verifySignature(signature, body, options.secret))
      )
        status = 401;
      received.push({ headers: req.headers, body, status });
      const eventId = String(req.headers['riptide-event-id']);
      if (status >= 200 && status < 300 && !seen.has(eventId)) {
        seen.add(eventId);
        accepted.push(body);
      }
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    accepted,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
