/**
 * Entry script of an HTML extraction thread (see HtmlExtractionPool and html-extraction.protocol):
 * parses each page it is handed unless the pool cancelled it first, and answers with the document
 * or that it failed. Built next to the library's own JS (tsc) and as an extra entry of each host
 * bundle (webpack).
 */
import { parentPort } from 'node:worker_threads';
import {
  ExtractionReply,
  ExtractionRequest,
  finishPage,
  startPage,
} from './html-extraction.protocol';
import { extractHtml } from './html-extractor.util';

parentPort?.on('message', ({ id, input, state }: ExtractionRequest) => {
  if (!startPage(state)) return; // cancelled before this thread reached it
  let reply: ExtractionReply;
  try {
    reply = { id, ok: true, doc: extractHtml(input) };
  } catch {
    reply = { id, ok: false };
  }
  finishPage(state);
  parentPort?.postMessage(reply);
});
