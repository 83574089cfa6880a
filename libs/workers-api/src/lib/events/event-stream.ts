import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** The part of Fastify's reply a stream uses (typed here so the library needs no Fastify types). */
export interface StreamableReply {
  /** Tells Fastify (and so Nest) that the handler answers on `raw` itself. */
  hijack(): unknown;
  getHeaders(): OutgoingHttpHeaders;
  raw: ServerResponse;
}

/** How an open stream behaves. */
export interface EventStreamSettings {
  /** A `: keep-alive` comment after this long, so proxies and clients keep an idle stream open. */
  keepAliveMs: number;
  /**
   * Most bytes a client may leave unread; a client that falls further behind is disconnected (it
   * resumes from where it was with Last-Event-ID) instead of growing this process's memory.
   */
  maxUnreadBytes: number;
}

/**
 * One server-sent events answer, written on Fastify's raw response: the reply is hijacked so Nest
 * sends nothing of its own. Headers set on the reply before (request id, CORS) go out with it.
 */
export class EventStream {
  private ended = false;
  private corked = false;
  private readonly keepAlive: NodeJS.Timeout;
  private readonly closeHandlers: (() => void)[] = [];

  constructor(
    private readonly reply: StreamableReply,
    private readonly settings: EventStreamSettings,
  ) {
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      ...reply.getHeaders(),
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
      connection: 'keep-alive',
    });
    raw.flushHeaders();
    raw.on('close', () => this.finish());
    this.keepAlive = setInterval(() => this.write(': keep-alive\n\n'), settings.keepAliveMs);
    this.keepAlive.unref();
    // A client gone while the route was still reading Redis has closed already: no 'close' is
    // coming, and waiting for one would keep its follower, its timer and its connection slot.
    if (raw.destroyed || raw.socket?.destroyed) this.finish();
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Runs `handler` once when the stream ends, whoever ends it (the client, the server, an error). */
  onClose(handler: () => void): void {
    if (this.ended) handler();
    else this.closeHandlers.push(handler);
  }

  /** One event: `id:`, `event:` and its JSON as `data:`. */
  send(id: string, event: string, data: unknown): void {
    this.write(eventFrame(id, event, data));
  }

  /** An event already framed by {@link eventFrame} (one frame serves every client of an event). */
  sendFrame(frame: string): void {
    this.write(frame);
  }

  /** Ends the answer (the client's EventSource reconnects unless told otherwise by its code). */
  end(): void {
    if (this.ended) return;
    this.reply.raw.end();
    this.finish();
  }

  private write(chunk: string): void {
    if (this.ended) return;
    const raw = this.reply.raw;
    if (raw.writableLength > this.settings.maxUnreadBytes) {
      raw.destroy();
      this.finish();
      return;
    }
    // Events that arrive together (the Redis messages of one socket read) go out in one write
    // per client: under load, one system call per client per read, not per event.
    if (!this.corked) {
      this.corked = true;
      raw.cork();
      process.nextTick(() => {
        this.corked = false;
        raw.uncork();
      });
    }
    raw.write(chunk);
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    clearInterval(this.keepAlive);
    for (const handler of this.closeHandlers.splice(0)) handler();
  }
}

/** The text of one event on the wire. */
export function eventFrame(id: string, event: string, data: unknown): string {
  return `id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
