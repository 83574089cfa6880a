import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import TurndownService from 'turndown';
import type { OutputFormat } from '@riptide/crawl-options';
import type { ExtractedDoc } from './crawler.interface';
import type { DomDocument, DomElement, DomNode } from './dom.interface';
import { normaliseText, readingMinutes } from './text-stats.util';

/** Input of {@link extractHtml}. */
export interface HtmlExtractionInput {
  html: string;
  /** Final URL of the page: the base for relative links. */
  url: string;
  contentType: string;
  outputFormat: OutputFormat;
  /** Content-Language response header, a fallback for `language`. */
  contentLanguage?: string | null;
}

const BLOCK_TAGS = new Set([
  'ADDRESS',
  'ARTICLE',
  'ASIDE',
  'BLOCKQUOTE',
  'BR',
  'DD',
  'DIV',
  'DL',
  'DT',
  'FIGCAPTION',
  'FIGURE',
  'FOOTER',
  'FORM',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'HEADER',
  'HR',
  'LI',
  'MAIN',
  'NAV',
  'OL',
  'P',
  'PRE',
  'SECTION',
  'TABLE',
  'TD',
  'TH',
  'TR',
  'UL',
]);
const SKIPPED_TAGS = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG']);

let turndown: TurndownService | undefined;
function markdownOf(node: DomNode | string): string {
  // One shared instance: turndown keeps no per-document state, and building rules costs time.
  turndown ??= new TurndownService({
    headingStyle: 'atx',
    codeBlockStyle: 'fenced',
    bulletListMarker: '-',
  });
  return turndown.turndown(node as Parameters<TurndownService['turndown']>[0]).trim();
}

/**
 * Text of a subtree with line breaks around block elements (textContent runs paragraphs
 * together), normalised, with its word count.
 */
function blockText(root: DomNode): { text: string; words: number } {
  const out: string[] = [];
  const walk = (node: DomNode) => {
    if (node.nodeType === 3) {
      out.push(node.textContent ?? '');
      return;
    }
    if (node.nodeType !== 1 && node.nodeType !== 9 && node.nodeType !== 11) return;
    const name = node.nodeName.toUpperCase();
    if (SKIPPED_TAGS.has(name)) return;
    const block = BLOCK_TAGS.has(name);
    if (block) out.push('\n');
    const children = node.childNodes;
    for (let i = 0; i < children.length; i += 1) walk(children[i]);
    if (block) out.push('\n');
  };
  walk(root);
  return normaliseText(out.join(''));
}

function clean(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const text = value.replace(/\s+/g, ' ').trim();
  return text === '' ? null : text;
}

function metaContent(document: DomDocument, selectors: string[]): string | null {
  for (const selector of selectors) {
    const value = clean(document.querySelector(selector)?.getAttribute('content'));
    if (value) return value;
  }
  return null;
}

function toIso(value: string | null | undefined): string | null {
  if (!value) return null;
  const time = Date.parse(value.trim());
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

function httpUrl(href: string, base: string | URL): URL | null {
  try {
    const url = new URL(href.trim(), base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    url.hash = '';
    return url;
  } catch {
    return null;
  }
}

/** The URL relative links of the page resolve against: its `<base href>`, else the page's URL. */
function baseUrlOf(document: DomDocument, pageUrl: string): string {
  const baseHref = document.querySelector('base[href]')?.getAttribute('href');
  return (baseHref && httpUrl(baseHref, pageUrl)?.href) || pageUrl;
}

/**
 * Tells the DOM where the page came from, so that Readability makes the links and image sources
 * of the main content (and so of the markdown) absolute. linkedom knows no URL of its own: its
 * baseURI is the raw `<base href>` or nothing, and then Readability leaves them relative.
 */
function setDocumentUrl(document: DomDocument, pageUrl: string, baseUrl: string): void {
  Object.defineProperty(document, 'documentURI', { value: pageUrl, configurable: true });
  Object.defineProperty(document, 'baseURI', { value: baseUrl, configurable: true });
}

/** Absolute http(s) links of the page, fragments removed, first occurrence order, no duplicates. */
function collectLinks(document: DomDocument, base: string): string[] {
  const links = new Set<string>();
  const anchors = document.querySelectorAll('a[href], area[href]');
  for (let i = 0; i < anchors.length; i += 1) {
    const href = anchors[i].getAttribute('href');
    const url = href ? httpUrl(href, base) : null;
    if (url) links.add(url.href);
  }
  return [...links];
}

function languageOf(document: DomDocument, header: string | null | undefined): string | null {
  const raw =
    clean(document.documentElement?.getAttribute('lang')) ??
    clean(document.documentElement?.getAttribute('xml:lang')) ??
    metaContent(document, ['meta[http-equiv="content-language" i]']) ??
    clean(header);
  return raw ? raw.split(/[,\s]/)[0] : null;
}

function parseDocument(html: string): DomDocument {
  const { document } = parseHTML(html) as unknown as { document: DomDocument };
  if (document.documentElement && document.body) return document;
  // linkedom builds no <html>/<body> for fragments or pages that omit them (valid HTML5).
  const wrapped = parseHTML(`<!DOCTYPE html><html><head></head><body>${html}</body></html>`);
  return (wrapped as unknown as { document: DomDocument }).document;
}

/**
 * HTML → {@link ExtractedDoc}: page metadata and links from the whole document, main content
 * by Readability (the Firefox reader view algorithm) over linkedom (a fast, light DOM),
 * markdown by turndown. Metadata and links are read first because Readability rewrites the DOM.
 */
export function extractHtml(input: HtmlExtractionInput): ExtractedDoc {
  const document = parseDocument(input.html);
  const baseUrl = baseUrlOf(document, input.url);
  setDocumentUrl(document, input.url, baseUrl);
  const links = collectLinks(document, baseUrl);
  const language = languageOf(document, input.contentLanguage);
  const documentTitle = clean(document.title) ?? clean(document.querySelector('h1')?.textContent);
  const description = metaContent(document, [
    'meta[name="description" i]',
    'meta[property="og:description"]',
    'meta[name="twitter:description" i]',
  ]);
  const siteName = metaContent(document, [
    'meta[property="og:site_name"]',
    'meta[name="application-name" i]',
  ]);
  const metaAuthor = metaContent(document, [
    'meta[name="author" i]',
    'meta[property="article:author"]',
  ]);
  const metaPublished = metaContent(document, [
    'meta[property="article:published_time"]',
    'meta[name="date" i]',
    'meta[itemprop="datePublished"]',
  ]);
  const timeElement = clean(document.querySelector('time[datetime]')?.getAttribute('datetime'));

  const article = new Readability<DomElement>(
    document as unknown as ConstructorParameters<typeof Readability>[0],
    { serializer: (node) => node as unknown as DomElement },
  ).parse();

  const contentRoot: DomNode | null = article?.content ?? document.body;
  const { text, words } = contentRoot ? blockText(contentRoot) : { text: '', words: 0 };
  const markdown = input.outputFormat !== 'text' && contentRoot ? markdownOf(contentRoot) : null;

  return {
    url: input.url,
    title:
      clean(article?.title) ??
      metaContent(document, ['meta[property="og:title"]']) ??
      documentTitle,
    description: description ?? clean(article?.excerpt),
    text: input.outputFormat === 'markdown' ? null : text,
    markdown: input.outputFormat === 'text' ? null : markdown,
    links,
    language: language ?? clean(article?.lang),
    siteName: siteName ?? clean(article?.siteName),
    byline: clean(article?.byline) ?? metaAuthor,
    publishedIso: toIso(article?.publishedTime) ?? toIso(metaPublished) ?? toIso(timeElement),
    wordCount: words,
    readingTime: readingMinutes(words),
    contentType: input.contentType,
  };
}

/** Plain text → {@link ExtractedDoc} (no title, links or metadata to find). */
export function extractPlainText(
  input: Omit<HtmlExtractionInput, 'html'> & { text: string },
): ExtractedDoc {
  const { text, words } = normaliseText(input.text);
  return {
    url: input.url,
    title: null,
    description: null,
    text: input.outputFormat === 'markdown' ? null : text,
    markdown: input.outputFormat === 'text' ? null : text,
    links: [],
    language: clean(input.contentLanguage)?.split(/[,\s]/)[0] ?? null,
    siteName: null,
    byline: null,
    publishedIso: null,
    wordCount: words,
    readingTime: readingMinutes(words),
    contentType: input.contentType,
  };
}
