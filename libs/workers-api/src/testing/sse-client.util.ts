// A server-sent events client for the event stream specs and the events benchmark: plain
// node:http, so what is asserted is exactly what a client receives on the wire.
import { IncomingHttpHeaders, IncomingMessage, request } from 'node:http';

/** One event as received. */
export interface ReceivedEvent {
  id: string | undefined;
  event: string;
  /** `data:` parsed as JSON. */
  data: Record<string, unknown>;
  /** Date.now() when its last line arrived. */
  receivedAt: number;
}

/** An open (or refused, or ended) event stream request. */
export class SseClient {
  readonly events: ReceivedEvent[] = [];
  readonly comments: string[] = [];
  /** The body of an answer that is not an event stream (a JSON error). */
  body = '';
  readonly ended: Promise<void>;
  private buffer = '';
  private waiters: (() => void)[] = [];
  private endedFlag = false;
  private onEvent?: (event: ReceivedEvent) => void;

  private constructor(
    readonly status: number,
    readonly headers: IncomingHttpHeaders,
    private readonly response: IncomingMessage,
  ) {
    response.setEncoding('utf8');
    this.ended = new Promise((resolve) => {
      const end = () => {
        this.endedFlag = true;
        this.wake();
        resolve();
      };
      response.on('end', end);
      response.on('close', end);
      response.on('error', end);
    });
    response.on('data', (chunk: string) => this.take(chunk));
  }

  /**
   * Opens `url` (GET) and resolves once the answer's headers arrive. `onEvent` sees each event as
   * it arrives (the benchmark times them there).
   */
  static open(
    url: string,
    headers: Record<string, string> = {},
    onEvent?: (event: ReceivedEvent) => void,
  ): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      // A connection of its own (no keep-alive pool): a stream ends with its connection.
      const req = request(
        url,
        { agent: false, headers: { accept: 'text/event-stream', ...headers } },
        (res) => {
          const client = new SseClient(res.statusCode ?? 0, res.headers, res);
          client.onEvent = onEvent;
          resolve(client);
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  get isEnded(): boolean {
    return this.endedFlag;
  }

  /** The answer's body as JSON (for a refusal). */
  async json(): Promise<Record<string, unknown>> {
    await this.ended;
    return JSON.parse(this.body) as Record<string, unknown>;
  }

  /** Resolves once `accept` holds for the events so far; rejects after `timeoutMs`. */
  async until(
    accept: (events: ReceivedEvent[]) => boolean,
    what: string,
    timeoutMs = 10000,
  ): Promise<ReceivedEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (!accept(this.events)) {
      if (Date.now() > deadline || this.endedFlag)
        throw new Error(
          `${what}: not seen ${this.endedFlag ? 'before the stream ended' : `within ${timeoutMs} ms`}; got ${JSON.stringify(this.events.map((e) => [e.id, e.event, e.data['job_id']]))}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.events;
  }

  /** Closes the connection from the client's side. */
  close(): void {
    this.response.destroy();
  }

  private take(chunk: string): void {
    if (!String(this.headers['content-type']).startsWith('text/event-stream')) {
      this.body += chunk;
      return;
    }
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      this.parse(block);
    }
    this.wake();
  }

  private parse(block: string): void {
    let id: string | undefined;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments.push(line.slice(1).trim());
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (!data.length) return;
    const received: ReceivedEvent = {
      id,
      event,
      data: JSON.parse(data.join('\n')) as Record<string, unknown>,
      receivedAt: Date.now(),
    };
    this.events.push(received);
    this.onEvent?.(received);
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}
