import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { abortReasonToError } from './abort.util';
import type { ExtractedDoc } from './crawler.interface';
import { ExtractionError } from './errors/extraction.error';
import {
  ExtractionReply,
  ExtractionRequest,
  cancelPage,
  newPageState,
} from './html-extraction.protocol';
import { extractHtml, HtmlExtractionInput } from './html-extractor.util';
import { startThread } from './thread-exec-argv.util';

const SCRIPT_NAME = 'html-extraction.worker.js';

/** Rejects with the abort's crawl error when `signal` fires; never resolves. */
function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    const onAbort = () => reject(abortReasonToError(signal));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Where the thread's entry script was built: beside this module (the library built with tsc) or
 * beside the host's entry script (a host bundled with webpack emits it as an extra entry).
 * Null when running from TypeScript sources, where extraction stays on the calling thread.
 */
export function findHtmlWorkerScript(): string | null {
  const candidates = [
    join(__dirname, SCRIPT_NAME),
    process.argv[1] ? join(dirname(process.argv[1]), SCRIPT_NAME) : null,
  ];
  return candidates.find((path): path is string => path !== null && existsSync(path)) ?? null;
}

/**
 * One thread per core. The event loop of a crawling process mostly waits on sockets and Redis
 * (about 70 % idle while one thread extracted flat out, measured by crawl-throughput), so it needs
 * no core of its own.
 */
export function defaultExtractionThreads(): number {
  return Math.max(1, availableParallelism());
}

/** V8 heap limits of an extraction thread. */
export interface ExtractionHeapLimits {
  oldGenerationMb: number;
  youngGenerationMb: number;
}

/**
 * The heap of a pool thread. Left to itself, V8 sizes a thread's heap from the machine's memory and
 * lets garbage pile up between collections: with two threads that cost about 160 MiB of peak RSS in
 * crawl-throughput and bought no speed. 128 MiB holds the largest page a pool thread is given
 * (LARGE_PAGE_CHARS) several times over. A young generation of 16 MiB rather than 8: a page's DOM
 * is mostly short-lived, and with 8 the collector took about 26 % of a thread's time on the
 * crawl-throughput pages, against 19 % with 16, for no measurable peak RSS.
 */
export const POOL_THREAD_HEAP: ExtractionHeapLimits = {
  oldGenerationMb: 128,
  youngGenerationMb: 16,
};

/** Pages above this many characters of HTML are parsed in a thread of their own, sized for them. */
export const LARGE_PAGE_CHARS = 2 * 1024 * 1024;

/** linkedom and Readability hold up to about 24 bytes of heap per character of HTML (10 MiB of HTML fits in 256 MiB, not in 128). */
const HEAP_BYTES_PER_HTML_CHAR = 24;

/** The heap a thread of its own needs for one page of `chars` characters. */
export function heapForPage(chars: number): ExtractionHeapLimits {
  return {
    oldGenerationMb: Math.ceil((chars * HEAP_BYTES_PER_HTML_CHAR) / 1024 / 1024) + 64,
    youngGenerationMb: 16,
  };
}

/** How a pool sizes its threads and which pages it hands to a thread of their own. */
export interface HtmlExtractionPoolOptions {
  /** Heap limits of each pool thread. Default {@link POOL_THREAD_HEAP}. */
  heap?: ExtractionHeapLimits;
  /** Larger pages get a thread of their own. Default {@link LARGE_PAGE_CHARS}. */
  largePageChars?: number;
}

/**
 * Pages handed to one thread at a time: two, so that the next page is already there when a
 * thread finishes one (one at a time cost about 3 % of crawl-throughput) and an abort can still
 * stop all the work its page would have caused.
 */
const PAGES_PER_THREAD = 2;

interface Task {
  id: number;
  input: HtmlExtractionInput;
  signal: AbortSignal;
  /** Shared with the thread it is handed to (see html-extraction.protocol). */
  state: Int32Array;
  resolve: (doc: ExtractedDoc) => void;
  reject: (error: Error) => void;
}

interface Thread {
  worker: Worker;
  /** Pages handed to this thread, in the order it takes them. */
  tasks: Map<number, Task>;
}

/**
 * HTML → ExtractedDoc on worker threads, so that parsing (several ms of CPU per page, more for big
 * pages) never holds the event loop that fetches, answers Redis and renews Bull's job locks, and so
 * that a second core extracts while the first fetches.
 *
 * Pages wait here in order and go to the threads a couple at a time. An abort (a job's timeout or
 * cancellation) stops parsing at once: a page that has not started is dropped (its thread skips it),
 * and the thread parsing an aborted page is terminated and replaced, its other pages handed out
 * again. Threads start on first use, are unref'd while idle and are replaced if one dies. Without a
 * worker script (running from TypeScript sources) or with `threads: 0`, extraction runs in-line.
 *
 * Every thread runs under heap limits, so a page that needs more memory than it has fails alone
 * (`thread_failed`) instead of growing the process. A large page (above `largePageChars`) is parsed
 * in a thread of its own with a heap sized for it, one such page at a time, so the pool's threads
 * stay small while the pages a crawl allows (`max_bytes`) can still be read.
 */
export class HtmlExtractionPool {
  private readonly threads: (Thread | null)[];
  private readonly waiting: Task[] = [];
  /** Threads retired by an abort or a crash, until they have stopped. */
  private readonly stopping = new Set<Promise<number>>();
  /** One-page pools of the large pages being parsed; large pages wait in line behind `largeLine`. */
  private readonly largePagePools = new Set<HtmlExtractionPool>();
  private largeLine: Promise<unknown> = Promise.resolve();
  private readonly heap: ExtractionHeapLimits;
  private readonly largePageChars: number;
  private closed = false;
  private nextId = 0;

  constructor(
    private readonly script: string | null = findHtmlWorkerScript(),
    threads: number = defaultExtractionThreads(),
    options: HtmlExtractionPoolOptions = {},
  ) {
    this.threads = script && threads > 0 ? Array.from({ length: threads }, () => null) : [];
    this.heap = options.heap ?? POOL_THREAD_HEAP;
    this.largePageChars = options.largePageChars ?? LARGE_PAGE_CHARS;
  }

  /** True when extraction runs off the calling thread. */
  get threaded(): boolean {
    return this.threads.length > 0;
  }

  extract(input: HtmlExtractionInput, signal: AbortSignal): Promise<ExtractedDoc> {
    if (!this.threaded) return Promise.resolve().then(() => extractHtml(input));
    if (signal.aborted) return Promise.reject(abortReasonToError(signal));
    if (this.closed) return Promise.reject(new ExtractionError('threads_closed'));
    if (input.html.length > this.largePageChars) return this.extractLargePage(input, signal);
    return new Promise<ExtractedDoc>((resolve, reject) => {
      const onAbort = () => this.abort(task);
      const settle = (done: () => void) => {
        signal.removeEventListener('abort', onAbort);
        done();
      };
      const task: Task = {
        id: this.nextId++,
        input,
        signal,
        state: newPageState(),
        resolve: (doc) => settle(() => resolve(doc)),
        reject: (error) => settle(() => reject(error)),
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(task);
      this.dispatch();
    });
  }

  /**
   * A large page, in a one-thread pool sized for it and closed after it. One at a time: two
   * concurrent giant pages would need both heaps at once.
   */
  private extractLargePage(input: HtmlExtractionInput, signal: AbortSignal): Promise<ExtractedDoc> {
    const turn = this.largeLine.then(async () => {
      if (this.closed) throw new ExtractionError('threads_closed');
      if (signal.aborted) throw abortReasonToError(signal);
      const pool = new HtmlExtractionPool(this.script, 1, {
        heap: heapForPage(input.html.length),
        largePageChars: Infinity,
      });
      this.largePagePools.add(pool);
      try {
        return await pool.extract(input, signal);
      } finally {
        this.largePagePools.delete(pool);
        await pool.close();
      }
    });
    this.largeLine = turn.catch(() => undefined);
    // A page still waiting its turn answers an abort at once (its turn then throws, unheard).
    return Promise.race([turn, untilAborted(signal)]);
  }

  /** Stops every thread; pages in flight and waiting fail, and so does any page asked for later. */
  async close(): Promise<void> {
    this.closed = true;
    const largePages = [...this.largePagePools].map((pool) => pool.close());
    const running = this.threads.filter((thread): thread is Thread => thread !== null);
    this.threads.fill(null);
    const closed = new ExtractionError('threads_closed');
    const held = running.flatMap((thread) => [...thread.tasks.values()]);
    for (const thread of running) thread.tasks.clear();
    for (const task of [...held, ...this.waiting.splice(0)]) task.reject(closed);
    await Promise.all([
      ...running.map((thread) => thread.worker.terminate()),
      ...this.stopping,
      ...largePages,
    ]);
  }

  /** Hands waiting pages to threads, evening out how many each holds; starts threads in empty slots. */
  private dispatch(): void {
    if (this.closed) return;
    for (let depth = 1; depth <= PAGES_PER_THREAD; depth += 1) {
      for (let slot = 0; slot < this.threads.length && this.waiting.length > 0; slot += 1) {
        const thread = this.threads[slot] ?? (this.threads[slot] = this.start(slot));
        if (thread.tasks.size >= depth) continue;
        const task = this.waiting.shift() as Task;
        thread.tasks.set(task.id, task);
        thread.worker.ref(); // a page in flight keeps the process alive until it is answered
        const request: ExtractionRequest = { id: task.id, input: task.input, state: task.state };
        thread.worker.postMessage(request);
      }
    }
  }

  private abort(task: Task): void {
    const queued = this.waiting.indexOf(task);
    if (queued !== -1) {
      this.waiting.splice(queued, 1);
    } else {
      const slot = this.threads.findIndex((thread) => thread?.tasks.has(task.id));
      if (slot === -1) return; // already answered
      const thread = this.threads[slot] as Thread;
      thread.tasks.delete(task.id);
      // Not started: the thread will skip it. Done: its answer, on its way, is dropped.
      if (cancelPage(task.state)) {
        this.retire(slot, thread); // terminating is the only way to stop a parse in progress
      } else if (thread.tasks.size === 0) {
        thread.worker.unref();
      }
    }
    task.reject(abortReasonToError(task.signal));
    // After the signal's other listeners: the pages of a whole job, aborted together, are all
    // dropped before any is handed out again.
    queueMicrotask(() => this.dispatch());
  }

  /**
   * Takes a thread out of its slot and stops it. Its pages that were not being parsed go back to
   * the front of the line with fresh state words (the dying thread may still touch the old ones);
   * the page it was parsing, if any, is returned.
   */
  private retire(slot: number, thread: Thread): Task[] {
    if (this.threads[slot] === thread) this.threads[slot] = null;
    const parsing: Task[] = [];
    const again: Task[] = [];
    for (const task of thread.tasks.values()) {
      if (cancelPage(task.state)) parsing.push(task);
      else again.push(task);
    }
    thread.tasks.clear();
    for (const task of again) task.state = newPageState();
    this.waiting.unshift(...again);
    // A failure to stop is not the caller's concern (the thread is out of the pool either way),
    // and must not surface as an unhandled rejection.
    const stopped = thread.worker.terminate().catch(() => -1);
    this.stopping.add(stopped);
    void stopped.finally(() => this.stopping.delete(stopped));
    return parsing;
  }

  private settle(thread: Thread, id: number, answer: (task: Task) => void): void {
    const task = thread.tasks.get(id);
    if (!task) return; // aborted, or the thread was retired
    thread.tasks.delete(id);
    if (thread.tasks.size === 0) thread.worker.unref();
    answer(task);
    this.dispatch();
  }

  private start(slot: number): Thread {
    // Without the host's preloads (a TypeScript hook or an agent would load again in every thread).
    const worker = startThread(this.script as string, {
      resourceLimits: {
        maxOldGenerationSizeMb: this.heap.oldGenerationMb,
        maxYoungGenerationSizeMb: this.heap.youngGenerationMb,
      },
    });
    const thread: Thread = { worker, tasks: new Map() };
    worker.unref();
    worker.on('message', (reply: ExtractionReply) =>
      this.settle(thread, reply.id, (task) =>
        reply.ok ? task.resolve(reply.doc) : task.reject(new ExtractionError('parse')),
      ),
    );
    const fail = (error: Error) => {
      // Only the page being parsed fails (it may be what killed the thread); the others go to a
      // new thread.
      const failure = new ExtractionError('thread_failed', { cause: error });
      for (const task of this.retire(slot, thread)) task.reject(failure);
      this.dispatch();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    return thread;
  }
}
