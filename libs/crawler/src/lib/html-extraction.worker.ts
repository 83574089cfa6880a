/**
 * Entry script of an HTML extraction thread (see HtmlExtractionPool): receives
 * `{ id, input }`, answers `{ id, ok, doc }` or `{ id, ok: false, message }`. Built next to the
 * library's own JS (tsc) and as an extra entry of each host bundle (webpack).
 */
import { parentPort } from 'node:worker_threads';
import { extractHtml, HtmlExtractionInput } from './html-extractor.util';

parentPort?.on('message', ({ id, input }: { id: number; input: HtmlExtractionInput }) => {
  try {
    parentPort?.postMessage({ id, ok: true, doc: extractHtml(input) });
  } catch (error) {
    parentPort?.postMessage({ id, ok: false, message: error instanceof Error ? error.message : String(error) });
  }
});
