/**
 * Entry script of an HTML extraction thread (see HtmlExtractionPool and html-extraction.protocol):
 * parses each page it is handed unless the pool cancelled it first, and answers with the document
 * or the error message. Built next to the library's own JS (tsc) and as an extra entry of each host
 * bundle (webpack).
 */
import { parentPort } from 'node:worker_threads';
import {
  ExtractionReply,
  ExtractionRequest,
  PAGE_DONE,
  PAGE_STARTED,
  PAGE_WAITING,
} from './html-extraction.protocol';
import { extractHtml } from './html-extractor.util';

function answer(reply: ExtractionReply): void {
  parentPort?.postMessage(reply);
}

parentPort?.on('message', ({ id, input, state }: ExtractionRequest) => {
  if (Atomics.compareExchange(state, 0, PAGE_WAITING, PAGE_STARTED) !== PAGE_WAITING) return;
  let reply: ExtractionReply;
  try {
    reply = { id, ok: true, doc: extractHtml(input) };
  } catch (error) {
    reply = { id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  Atomics.store(state, 0, PAGE_DONE);
  answer(reply);
});
