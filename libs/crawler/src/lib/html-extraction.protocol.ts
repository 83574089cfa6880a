import type { ExtractedDoc } from './crawler.interface';
import type { HtmlExtractionInput } from './html-extractor.util';

/**
 * Messages between HtmlExtractionPool and its threads (html-extraction.worker). `state` is one
 * Int32 word shared by both sides: the thread moves it from WAITING to STARTED when it takes the
 * page and to DONE before it answers; the pool moves it from WAITING to CANCELLED when the page is
 * aborted or taken back first. So a cancelled page is skipped, and the pool knows whether a parse
 * is in progress (the only case where a thread has to be stopped).
 */
const PAGE_WAITING = 0;
const PAGE_CANCELLED = 1;
export const PAGE_STARTED = 2;
const PAGE_DONE = 3;

export interface ExtractionRequest {
  id: number;
  input: HtmlExtractionInput;
  state: Int32Array;
}

/** A failed page carries no error text: a parser's message is not something to show callers. */
export type ExtractionReply =
  { id: number; ok: true; doc: ExtractedDoc } | { id: number; ok: false };

export function newPageState(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
}

/** Thread side: takes the page unless the pool cancelled it first; false means skip it. */
export function startPage(state: Int32Array): boolean {
  return Atomics.compareExchange(state, 0, PAGE_WAITING, PAGE_STARTED) === PAGE_WAITING;
}

/** Thread side: the page is parsed and its answer about to be posted. */
export function finishPage(state: Int32Array): void {
  Atomics.store(state, 0, PAGE_DONE);
}

/**
 * Pool side: cancels the page unless its thread has started it. True when a parse is in
 * progress, which only terminating the thread can stop; a page not yet started will be skipped,
 * and the answer of a finished one is on its way.
 */
export function cancelPage(state: Int32Array): boolean {
  return Atomics.compareExchange(state, 0, PAGE_WAITING, PAGE_CANCELLED) === PAGE_STARTED;
}
