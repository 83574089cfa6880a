import { TextDecoder } from 'node:util';
/** What the crawler does with a response body. */
export type ContentKind = 'html' | 'text' | 'pdf' | 'unsupported';

/** Routing decision for one response. */
export interface ContentRoute {
  kind: ContentKind;
  /** Media type reported in the document (canonical when sniffed). */
  contentType: string;
}

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
const PDF_TYPES = new Set(['application/pdf', 'application/x-pdf']);
/** Types that say nothing reliable about the bytes, so the bytes decide. */
const SNIFF_TYPES = new Set([
  '',
  'application/octet-stream',
  'binary/octet-stream',
  'application/xml',
  'text/xml',
  'application/unknown',
  'unknown/unknown',
]);

/** Media types of binary formats whose magic bytes contradict a text header. */
const BINARY_MAGIC: Array<[number, number[]]> = [
  [0, [0x89, 0x50, 0x4e, 0x47]], // PNG
  [0, [0xff, 0xd8, 0xff]], // JPEG
  [0, [0x47, 0x49, 0x46, 0x38]], // GIF
  [0, [0x50, 0x4b, 0x03, 0x04]], // ZIP, docx, epub
  [0, [0x1f, 0x8b]], // gzip (a body that is itself an archive)
  [0, [0x52, 0x49, 0x46, 0x46]], // RIFF: WebP, WAV, AVI
  [0, [0x7f, 0x45, 0x4c, 0x46]], // ELF
  [0, [0x4f, 0x67, 0x67, 0x53]], // Ogg
  [0, [0x49, 0x44, 0x33]], // MP3 with ID3
  [0, [0x37, 0x7a, 0xbc, 0xaf]], // 7z
  [4, [0x66, 0x74, 0x79, 0x70]], // ISO BMFF: MP4, MOV, HEIC, AVIF
  [0, [0x1a, 0x45, 0xdf, 0xa3]], // Matroska / WebM
  [0, [0x00, 0x61, 0x73, 0x6d]], // WebAssembly
];

const HTML_START =
  /^\s*<(?:!doctype\s+html|html|head|body|script|iframe|h1|div|font|table|a|style|title|b|br|p|!--)[\s>/]/i;

/** The media type of a Content-Type header, lower-cased without parameters ('' when missing). */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** The charset parameter of a Content-Type header, if any. */
export function charsetOf(contentType: string | undefined): string | null {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '');
  return match ? match[1].toLowerCase() : null;
}

/**
 * What to do with a response judged by its header alone: anything that can never be
 * extracted is refused before its body is downloaded.
 */
export function isPossiblyExtractable(contentType: string | undefined): boolean {
  const type = mediaTypeOf(contentType);
  return (
    HTML_TYPES.has(type) || PDF_TYPES.has(type) || type === 'text/plain' || SNIFF_TYPES.has(type)
  );
}

function startsWith(bytes: Uint8Array, offset: number, magic: number[]): boolean {
  if (bytes.length < offset + magic.length) return false;
  return magic.every((b, i) => bytes[offset + i] === b);
}

/** True when the first KiB contains `%PDF-` (readers accept leading junk before the header). */
export function hasPdfMagic(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 1024));
  return head.indexOf('%PDF-', 0, 'latin1') !== -1;
}

function looksLikeText(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, 1024);
  for (let i = 0; i < end; i += 1) {
    const b = bytes[i];
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d && b !== 0x1b)
      return false;
  }
  return true;
}

function looksLikeHtml(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 1024))
    .toString('latin1')
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '');
  if (HTML_START.test(head)) return true;
  return /^\s*<\?xml[^>]*>[\s\S]*<html[^>]+xmlns\s*=\s*["']http:\/\/www\.w3\.org\/1999\/xhtml/i.test(
    head,
  );
}

/**
 * Routes a response by its Content-Type and its first bytes. Magic bytes win over the header:
 * a PDF is a PDF whatever it is labelled, and a PNG labelled text/html is not parsed.
 */
export function routeContent(contentType: string | undefined, bytes: Uint8Array): ContentRoute {
  const type = mediaTypeOf(contentType);
  const shown = type === '' ? 'unknown' : type;
  if (hasPdfMagic(bytes)) return { kind: 'pdf', contentType: 'application/pdf' };
  if (BINARY_MAGIC.some(([offset, magic]) => startsWith(bytes, offset, magic))) {
    return { kind: 'unsupported', contentType: shown };
  }
  if (HTML_TYPES.has(type)) return { kind: 'html', contentType: type };
  if (type === 'text/plain') return { kind: 'text', contentType: type };
  if (PDF_TYPES.has(type)) return { kind: 'pdf', contentType: 'application/pdf' };
  if (SNIFF_TYPES.has(type)) {
    if (looksLikeHtml(bytes)) return { kind: 'html', contentType: 'text/html' };
    // Only a missing header lets arbitrary text through; octet-stream and XML explicitly say otherwise.
    if (type === '' && looksLikeText(bytes)) return { kind: 'text', contentType: 'text/plain' };
  }
  return { kind: 'unsupported', contentType: shown };
}

/**
 * Decodes text bytes: a BOM wins, then the header charset, then (for HTML) a `<meta charset>`
 * in the first KiB, else UTF-8. Unknown labels fall back to UTF-8 rather than failing.
 */
export function decodeText(
  bytes: Uint8Array,
  headerCharset: string | null,
  isHtml: boolean,
): string {
  let label = headerCharset;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) label = 'utf-8';
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) label = 'utf-16le';
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) label = 'utf-16be';
  else if (!label && isHtml) {
    const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 1024)).toString(
      'latin1',
    );
    const meta = /<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_:.-]+)/i.exec(head);
    if (meta) label = meta[1].toLowerCase();
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label ?? 'utf-8');
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(bytes);
}
