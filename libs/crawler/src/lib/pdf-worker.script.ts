/**
 * Source of the PDF extraction worker, run with `new Worker(source, { eval: true })`.
 *
 * It is a string rather than a file because the hosts are bundled by webpack into one
 * main.js: a separate worker file of this library would not exist at run time, while
 * pdfjs-dist stays an external package in node_modules. The worker finds pdfjs-dist from the
 * candidate paths it is given (entry script, working directory, this module) and loads the
 * legacy (Node) build with a dynamic import, as pdfjs-dist ships only ES modules.
 */
/** Name of the worker's error when pdfjs-dist cannot be found (a deployment fault, not the PDF's). */
export const PDF_READER_MISSING_NAME = 'PdfReaderMissing';

export const PDF_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { createRequire } = require('node:module');
const { pathToFileURL } = require('node:url');

function resolvePdfjs(bases) {
  for (const base of bases) {
    try {
      return createRequire(base).resolve('pdfjs-dist/legacy/build/pdf.mjs');
    } catch (error) {
      // try the next candidate
    }
  }
  const missing = new Error('pdfjs-dist is not installed');
  missing.name = '${PDF_READER_MISSING_NAME}';
  throw missing;
}

function str(value) {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

async function main() {
  const entry = resolvePdfjs(workerData.bases);
  const pdfjs = await import(pathToFileURL(entry).href);
  // pdf.js runs its parser in-thread here ("fake worker"): this thread already is the isolation.
  pdfjs.GlobalWorkerOptions.workerSrc = pathToFileURL(entry.replace(/pdf\.mjs$/, 'pdf.worker.mjs')).href;
  const task = pdfjs.getDocument({
    data: workerData.bytes,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    disableAutoFetch: true,
    disableStream: true,
    verbosity: 0,
  });
  const doc = await task.promise;
  const total = doc.numPages;
  const count = Math.min(total, workerData.maxPages);
  const pages = [];
  for (let number = 1; number <= count; number += 1) {
    const page = await doc.getPage(number);
    const content = await page.getTextContent();
    let text = '';
    for (const item of content.items) {
      if (typeof item.str === 'string') {
        text += item.str;
        if (item.hasEOL) text += '\n';
      }
    }
    pages.push(text);
    page.cleanup();
  }
  let info = {};
  try {
    info = (await doc.getMetadata()).info || {};
  } catch (error) {
    // metadata is optional; the text is what matters
  }
  const date = (value) => {
    const parsed = typeof value === 'string' ? pdfjs.PDFDateString.toDateObject(value) : null;
    return parsed ? parsed.toISOString() : null;
  };
  parentPort.postMessage({
    ok: true,
    total,
    pages,
    metadata: {
      title: str(info.Title),
      author: str(info.Author),
      subject: str(info.Subject),
      keywords: str(info.Keywords),
      creator: str(info.Creator),
      producer: str(info.Producer),
      creationDate: date(info.CreationDate),
      modificationDate: date(info.ModDate),
      pdfVersion: str(info.PDFFormatVersion),
    },
    language: str(info.Language),
  });
  await doc.destroy();
}

// Only the name crosses: it tells pdf.js' failures apart, its messages are not for callers.
main().catch((error) => {
  parentPort.postMessage({ ok: false, name: String((error && error.name) || 'Error') });
});
`;
