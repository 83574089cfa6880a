import { join } from 'node:path';
import { abortReasonToError } from './abort.util';
import {
  DEFAULT_PDF_MAX_BYTES,
  DEFAULT_PDF_MAX_MEMORY_MB,
  DEFAULT_PDF_MAX_PAGES,
  DEFAULT_PDF_TIMEOUT_MS,
} from './crawler.constants';
import type { OutputFormat } from '@riptide/crawl-options';
import type { ExtractedDoc, PdfExtractionOptions, PdfMetadata } from './crawler.interface';
import {
  NOT_A_PDF,
  PDF_INVALID,
  PDF_OUT_OF_MEMORY,
  PDF_READER_MISSING,
  PDF_TOO_LARGE,
  PDF_WORKER_FAILED,
} from './crawler.messages';
import { hasPdfMagic } from './content-sniffer.util';
import { pdfFailureOf } from './error-kind.util';
import { CrawlError } from './errors/crawl.error';
import { CrawlTimeoutError } from './errors/crawl-timeout.error';
import { PdfExtractionError } from './errors/pdf-extraction.error';
import { UnsupportedContentTypeError } from './errors/unsupported-content-type.error';
import { PDF_READER_MISSING_NAME, PDF_WORKER_SOURCE } from './pdf-worker.script';
import { normaliseText, readingMinutes } from './text-stats.util';
import { startThread } from './thread-exec-argv.util';

/** A failure is reported by the exception's name only: pdf.js message texts are not shown. */
type WorkerReply =
  | { ok: true; total: number; pages: string[]; metadata: PdfMetadata; language: string | null }
  | { ok: false; name: string };

/** Where the worker may look for pdfjs-dist: the entry script, the working directory, this module. */
function resolutionBases(): string[] {
  const bases = [process.argv[1], join(process.cwd(), 'index.js'), __filename];
  return bases.filter((base): base is string => typeof base === 'string' && base.startsWith('/'));
}

/** Runs pdf.js in a throw-away worker thread with a heap limit and a time limit. */
function runPdfWorker(
  bytes: Uint8Array,
  limits: Required<PdfExtractionOptions>,
  signal: AbortSignal,
): Promise<Extract<WorkerReply, { ok: true }>> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(abortReasonToError(signal));
      return;
    }
    // Without the host's preloads, like the HTML extraction threads.
    const worker = startThread(PDF_WORKER_SOURCE, {
      eval: true,
      workerData: { bytes, maxPages: limits.maxPages, bases: resolutionBases() },
      resourceLimits: { maxOldGenerationSizeMb: limits.maxMemoryMb, maxYoungGenerationSizeMb: 32 },
    });
    let settled = false;
    const finish = (error: CrawlError | null, reply?: Extract<WorkerReply, { ok: true }>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      // Terminating stops pdf.js mid-parse; nothing of a hostile file outlives its URL.
      void worker.terminate();
      if (error) reject(error);
      else if (reply) resolve(reply);
    };
    const onAbort = () => finish(abortReasonToError(signal));
    const timer = setTimeout(
      () => finish(new CrawlTimeoutError('pdf', limits.timeoutMs)),
      limits.timeoutMs,
    );
    signal.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (reply: WorkerReply) => {
      if (reply.ok) finish(null, reply);
      else if (reply.name === PDF_READER_MISSING_NAME)
        finish(new PdfExtractionError(PDF_READER_MISSING));
      else finish(new PdfExtractionError(PDF_INVALID(pdfFailureOf(reply.name))));
    });
    worker.on('error', (error: Error & { code?: string }) => {
      finish(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new PdfExtractionError(PDF_OUT_OF_MEMORY(limits.maxMemoryMb), { cause: error })
          : new PdfExtractionError(PDF_WORKER_FAILED, { cause: error }),
      );
    });
    worker.on('exit', () => finish(new PdfExtractionError(PDF_WORKER_FAILED)));
  });
}

/** Fills PDF limits with their defaults. */
export function pdfLimits(options: PdfExtractionOptions = {}): Required<PdfExtractionOptions> {
  return {
    maxPages: options.maxPages ?? DEFAULT_PDF_MAX_PAGES,
    maxBytes: options.maxBytes ?? DEFAULT_PDF_MAX_BYTES,
    timeoutMs: options.timeoutMs ?? DEFAULT_PDF_TIMEOUT_MS,
    maxMemoryMb: options.maxMemoryMb ?? DEFAULT_PDF_MAX_MEMORY_MB,
  };
}

/**
 * PDF bytes → {@link ExtractedDoc} with per-page text, page count and metadata. pdf.js runs
 * with `isEvalSupported: false` in a worker thread that is terminated on timeout, abort or
 * heap exhaustion, so a hostile PDF fails only its own URL.
 */
export async function extractPdfDocument(
  bytes: Uint8Array,
  options: { url: string; outputFormat: OutputFormat; limits?: PdfExtractionOptions },
  signal: AbortSignal,
): Promise<ExtractedDoc> {
  const limits = pdfLimits(options.limits);
  if (!hasPdfMagic(bytes)) throw new UnsupportedContentTypeError(NOT_A_PDF);
  if (bytes.length > limits.maxBytes) throw new PdfExtractionError(PDF_TOO_LARGE(limits.maxBytes));
  const reply = await runPdfWorker(bytes, limits, signal);
  // Each page's words are counted as it is normalised. Their sum is the text's count: a normalised
  // page neither starts nor ends with white space, so no word runs into the next page's.
  let words = 0;
  const pageTexts = reply.pages.map((page) => {
    const normalised = normaliseText(page);
    words += normalised.words;
    return normalised.text;
  });
  const text = pageTexts.filter((page) => page !== '').join('\n\n');
  return {
    url: options.url,
    title: reply.metadata.title,
    description: reply.metadata.subject,
    text: options.outputFormat === 'markdown' ? null : text,
    markdown: options.outputFormat === 'text' ? null : text,
    links: [],
    language: reply.language,
    siteName: null,
    byline: reply.metadata.author,
    publishedIso: reply.metadata.creationDate,
    wordCount: words,
    readingTime: readingMinutes(words),
    contentType: 'application/pdf',
    pages: reply.total,
    pageTexts,
    pdfMetadata: reply.metadata,
  };
}
