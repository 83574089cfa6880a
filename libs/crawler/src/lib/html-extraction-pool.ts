import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { abortReasonToError } from './abort.util';
import type { ExtractedDoc } from './crawler.interface';
import { ExtractionError } from './errors/extraction.error';
import { extractHtml, HtmlExtractionInput } from './html-extractor.util';

const SCRIPT_NAME = 'html-extraction.worker.js';

/**
 * Where the thread's entry script was built: beside this module (the library built with tsc) or
 * beside the host's entry script (a host bundled with webpack emits it as an extra entry).
 * Null when running from TypeScript sources, where extraction stays on the calling thread.
 */
export function findHtmlWorkerScript(): string | null {
  const candidates = [join(__dirname, SCRIPT_NAME), process.argv[1] ? join(dirname(process.argv[1]), SCRIPT_NAME) : null];
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

interface Task {
  resolve: (doc: ExtractedDoc) => void;
  reject: (error: Error) => void;
}

interface Thread {
  worker: Worker;
  tasks: Map<number, Task>;
}

type Reply = { id: number; ok: true; doc: ExtractedDoc } | { id: number; ok: false; message: string };

/**
 * HTML → ExtractedDoc on worker threads, so that parsing (several ms of CPU per page, more for big
 * pages) never holds the event loop that fetches, answers Redis and renews Bull's job locks, and so
 * that a second core extracts while the first fetches. Threads start on first use, are unref'd and
 * are replaced if one dies; each task goes to the thread with the fewest in flight. Without a worker
 * script (running from TypeScript sources) or with `threads: 0`, extraction runs in-line.
 */
export class HtmlExtractionPool {
  private readonly threads: (Thread | null)[];
  private nextId = 0;

  constructor(
    private readonly script: string | null = findHtmlWorkerScript(),
    threads: number = defaultExtractionThreads(),
  ) {
    this.threads = script && threads > 0 ? Array.from({ length: threads }, () => null) : [];
  }

  /** True when extraction runs off the calling thread. */
  get threaded(): boolean {
    return this.threads.length > 0;
  }

  extract(input: HtmlExtractionInput, signal: AbortSignal): Promise<ExtractedDoc> {
    if (!this.threaded) return Promise.resolve().then(() => extractHtml(input));
    if (signal.aborted) return Promise.reject(abortReasonToError(signal));
    const thread = this.leastBusy();
    const id = this.nextId++;
    return new Promise<ExtractedDoc>((resolve, reject) => {
      // An abort answers at once; the thread finishes the page and its answer is dropped.
      const onAbort = () => settle(() => reject(abortReasonToError(signal)));
      const settle = (done: () => void) => {
        if (!thread.tasks.delete(id)) return;
        signal.removeEventListener('abort', onAbort);
        if (thread.tasks.size === 0) thread.worker.unref();
        done();
      };
      thread.tasks.set(id, {
        resolve: (doc) => settle(() => resolve(doc)),
        reject: (error) => settle(() => reject(error)),
      });
      signal.addEventListener('abort', onAbort, { once: true });
      thread.worker.ref(); // a page in flight keeps the process alive until it is answered
      thread.worker.postMessage({ id, input });
    });
  }

  /** Stops every thread; pages in flight fail. */
  async close(): Promise<void> {
    const running = this.threads.filter((thread): thread is Thread => thread !== null);
    this.threads.fill(null);
    await Promise.all(running.map((thread) => thread.worker.terminate()));
  }

  private leastBusy(): Thread {
    let best = 0;
    for (let i = 0; i < this.threads.length; i += 1) {
      const thread = this.threads[i];
      if (!thread) return (this.threads[i] = this.start(i));
      if (thread.tasks.size < (this.threads[best]?.tasks.size ?? 0)) best = i;
    }
    return this.threads[best] as Thread;
  }

  private start(slot: number): Thread {
    const worker = new Worker(this.script as string);
    const thread: Thread = { worker, tasks: new Map() };
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const task = thread.tasks.get(reply.id);
      if (!task) return;
      if (reply.ok) task.resolve(reply.doc);
      else task.reject(new ExtractionError(reply.message));
    });
    const fail = (error: Error) => {
      // The slot restarts on next use; the pages this thread held fail with an extraction error.
      if (this.threads[slot] === thread) this.threads[slot] = null;
      for (const task of [...thread.tasks.values()]) task.reject(new ExtractionError(`extraction thread failed: ${error.message}`, { cause: error }));
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    return thread;
  }
}
