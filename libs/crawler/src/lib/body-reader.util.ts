import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { MAX_CONTENT_ENCODINGS } from './crawler.constants';
import { TOO_MANY_ENCODINGS, UNKNOWN_ENCODING } from './crawler.messages';
import { ResponseTooLargeError } from './errors/response-too-large.error';
import { UnsupportedEncodingError } from './errors/unsupported-encoding.error';

type Coding = 'gzip' | 'deflate' | 'br';

/**
 * The codings of a Content-Encoding header in the order they were applied. Refuses unknown
 * codings and more than {@link MAX_CONTENT_ENCODINGS} stacked ones (a nesting bomb).
 */
export function parseContentEncodings(header: string | string[] | undefined): Coding[] {
  if (header === undefined) return [];
  const values = (Array.isArray(header) ? header.join(',') : header)
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter((v) => v !== '' && v !== 'identity');
  if (values.length > MAX_CONTENT_ENCODINGS) {
    throw new UnsupportedEncodingError(TOO_MANY_ENCODINGS(values.length, MAX_CONTENT_ENCODINGS));
  }
  return values.map((value) => {
    if (value === 'gzip' || value === 'x-gzip') return 'gzip';
    if (value === 'deflate' || value === 'br') return value;
    throw new UnsupportedEncodingError(UNKNOWN_ENCODING(value));
  });
}

function decoderFor(coding: Coding): Transform {
  if (coding === 'gzip') return createGunzip();
  if (coding === 'br') return createBrotliDecompress();
  return createInflate();
}

/**
 * An unencoded body read straight from the socket stream, without a stream pipeline: the pipeline
 * only adds stream bookkeeping and an abort controller of its own (a DOMException with a captured
 * stack on every completion), about 30-45 µs of CPU per 55 KB response, a quarter of what reading
 * it costs. Leaving the loop early (cap, error) destroys `body`; so does an abort.
 */
async function collectUnencoded(
  body: Readable,
  collect: (source: AsyncIterable<Buffer>) => Promise<void>,
  signal: AbortSignal,
): Promise<void> {
  signal.throwIfAborted();
  const onAbort = () => body.destroy(signal.reason as Error);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await collect(body);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/**
 * Reads a response body, decoding its content-encodings, and stops as soon as more than
 * `maxBytes` decoded bytes arrive: the decoders are destroyed at that point, so a compression
 * bomb costs at most `maxBytes` (plus one zlib chunk) of memory and the CPU to inflate it.
 * With `overflow: 'truncate'` the first `maxBytes` are returned instead of failing.
 */
export async function readBody(
  body: Readable,
  codings: Coding[],
  maxBytes: number,
  overflow: 'error' | 'truncate',
  signal: AbortSignal,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Set when reading stops on purpose; the pipeline may report that stop as a generic abort.
  let stoppedAtCap = false;
  const collect = async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) {
      if (size + chunk.length > maxBytes) {
        stoppedAtCap = true;
        if (overflow === 'error') throw new ResponseTooLargeError(maxBytes);
        chunks.push(chunk.subarray(0, maxBytes - size));
        size = maxBytes;
        throw new ResponseTooLargeError(maxBytes);
      }
      chunks.push(chunk);
      size += chunk.length;
    }
  };
  const [first, second] = [...codings].reverse().map(decoderFor);
  try {
    if (second) await pipeline(body, first, second, collect, { signal });
    else if (first) await pipeline(body, first, collect, { signal });
    else await collectUnencoded(body, collect, signal);
  } catch (error) {
    if (!stoppedAtCap) throw error;
    if (overflow === 'error') throw new ResponseTooLargeError(maxBytes);
  }
  return Buffer.concat(chunks, size);
}
