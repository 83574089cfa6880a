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
  /** Writes the streams' frames in rounds (one shared by every stream of the routes). */
  flusher: StreamFlusher;
}

/** The comment an idle stream gets now and then, so proxies and clients keep it open. */
const KEEP_ALIVE = Buffer.from(': keep-alive\n\n');

/**
 * A stream holding this much writes it without waiting for the round: a catch-up of the log reads
 * pages of 500 events back to back, and holding them all until the round would only add memory.
 */
const FLUSH_AT_BYTES = 64 * 1024;

/** What a stream holds between rounds: the frames it was sent. */
interface PendingStream {
  flush(): void;
}

/**
 * Most different frame runs kept per round under the same first frame: streams with filters may
 * each hold a different run, and comparing every one with every other would cost more than it saves.
 */
const MAX_SHARED_RUNS = 8;

/**
 * Writes what the streams of a process have to send in rounds: a stream's frames of one round go
 * out in one write, so a client costs one system call per round however many events the round
 * holds. The fan-out's cost is mostly those calls (on loopback the sender's call also carries the
 * receiver's TCP work), so under load this is what keeps the stream ahead of its events.
 *
 * A round runs as soon as the current I/O is handled when the last one was at least `intervalMs`
 * ago (an event after a quiet spell waits for nothing), otherwise when that interval is up: under
 * a steady flow of events, one round per interval, and an event waits at most `intervalMs`.
 */
export class StreamFlusher {
  private readonly due = new Set<PendingStream>();
  private scheduled = false;
  private lastRound = -Infinity;
  /** This round's joined runs of frames, by their first frame. */
  private readonly runs = new Map<Buffer, { frames: Buffer[]; joined: Buffer }[]>();

  constructor(private readonly intervalMs: number) {}

  /** Has `stream` write what it holds in the next round. */
  schedule(stream: PendingStream): void {
    this.due.add(stream);
    if (this.scheduled) return;
    this.scheduled = true;
    const wait = this.lastRound + this.intervalMs - performance.now();
    if (wait <= 0) setImmediate(() => this.round());
    else setTimeout(() => this.round(), wait).unref();
  }

  /**
   * The frames as one buffer. The streams that got the same events this round (every client of a
   * tenant's unfiltered stream) share one buffer, joined once: for each of them the work is a
   * comparison of references, not a copy.
   */
  join(frames: Buffer[]): Buffer {
    if (frames.length === 1) return frames[0];
    let runs = this.runs.get(frames[0]);
    if (!runs) this.runs.set(frames[0], (runs = []));
    for (const run of runs) if (sameFrames(run.frames, frames)) return run.joined;
    const joined = Buffer.concat(frames);
    if (runs.length < MAX_SHARED_RUNS) runs.push({ frames, joined });
    return joined;
  }

  private round(): void {
    this.scheduled = false;
    this.lastRound = performance.now();
    const due = [...this.due];
    this.due.clear();
    try {
      for (const stream of due) stream.flush();
    } finally {
      this.runs.clear();
    }
  }
}

function sameFrames(a: Buffer[], b: Buffer[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * One server-sent events answer, written on Fastify's raw response: the reply is hijacked so Nest
 * sends nothing of its own. Headers set on the reply before (request id, CORS) go out with it.
 */
export class EventStream {
  private ended = false;
  /** Frames written since the last round of the flusher, and their size. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
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
    this.keepAlive = setInterval(() => this.write(KEEP_ALIVE), settings.keepAliveMs);
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

  /**
   * An event already framed by {@link eventFrame}: one frame serves every client of an event, and
   * every client that gets the same events in a round is sent the same bytes.
   */
  sendFrame(frame: Buffer): void {
    this.write(frame);
  }

  /** Ends the answer, after what is pending (the client's EventSource reconnects unless told otherwise by its code). */
  end(): void {
    if (this.ended) return;
    this.flush();
    this.reply.raw.end();
    this.finish();
  }

  /**
   * Writes the frames pending since the last round (called by the flusher, or early by a stream
   * holding much). A stream whose socket refuses the write ends; the round goes on with the others.
   */
  flush(): void {
    if (this.ended || !this.pending.length) return;
    const frames = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    try {
      this.reply.raw.write(this.settings.flusher.join(frames));
    } catch {
      this.reply.raw.destroy();
      this.finish();
    }
  }

  private write(frame: Buffer): void {
    if (this.ended) return;
    const raw = this.reply.raw;
    // Only what the client has not taken counts: what this process holds until the round is
    // bounded below, so a catch-up of the log never disconnects a client that reads at once.
    if (raw.writableLength > this.settings.maxUnreadBytes) {
      raw.destroy();
      this.finish();
      return;
    }
    if (!this.pending.length) this.settings.flusher.schedule(this);
    this.pending.push(frame);
    this.pendingBytes += frame.length;
    if (this.pendingBytes >= FLUSH_AT_BYTES) this.flush();
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.pending = [];
    this.pendingBytes = 0;
    clearInterval(this.keepAlive);
    for (const handler of this.closeHandlers.splice(0)) handler();
  }
}

/** The bytes of one event on the wire. */
export function eventFrame(id: string, event: string, data: unknown): Buffer {
  return Buffer.from(`id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}
