import type { Readability } from '@mozilla/readability';
import type { parseHTML } from 'linkedom';
import type TurndownService from 'turndown';
import type { OutputFormat } from '@riptide/crawl-options';
import type { ExtractedDoc } from './crawler.interface';
import type { DomDocument, DomElement, DomNode } from './dom.interface';
import { elementsWithTags } from './dom-query.util';
import { parseArticle, ReadabilityRetry } from './article-reader.util';
import { cleanText, normaliseText, primaryLanguage, readingMinutes } from './text-stats.util';

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

/*
 * The libraries load on first use, with require: linkedom and Readability cost about 230 ms of CPU
 * and 25 MiB to load, which a process whose pages are parsed on extraction threads never needs to
 * spend on its own thread, and turndown is loaded only where a markdown output is asked for.
 */
let parser: { parseHTML: typeof parseHTML; Readability: typeof Readability } | undefined;
function parserLibraries(): NonNullable<typeof parser> {
  return (parser ??= {
    parseHTML: (require('linkedom') as typeof import('linkedom')).parseHTML,
    Readability: (require('@mozilla/readability') as typeof import('@mozilla/readability'))
      .Readability,
  });
}

let turndown: TurndownService | undefined;
function markdownOf(node: DomNode | string): string {
  // One shared instance: turndown keeps no per-document state, and building rules costs time.
  turndown ??= new (require('turndown') as typeof TurndownService)({
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

/**
 * A `<meta>` looked for by one attribute's value, with the CSS `i` flag or without: what
 * `meta[name="description" i]` selects, without a selector for linkedom to compile.
 */
type MetaMatch = readonly [attribute: string, value: string, ignoreCase?: 'i'];

function matchesMeta(meta: DomElement, [attribute, value, ignoreCase]: MetaMatch): boolean {
  const actual = meta.getAttribute(attribute);
  if (actual === null) return false;
  // As css-select compares with the i flag (the values asked for here are lower case).
  return ignoreCase
    ? actual.length === value.length && actual.toLowerCase() === value
    : actual === value;
}

/** The content of the first `<meta>` of the first match that has one, as the selectors would find it. */
function metaContent(metas: readonly DomElement[], matches: MetaMatch[]): string | null {
  for (const match of matches) {
    const meta = metas.find((element) => matchesMeta(element, match));
    const value = cleanText(meta?.getAttribute('content'));
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
  const base = elementsWithTags(document, ['base']).find((element) => element.hasAttribute('href'));
  const baseHref = base?.getAttribute('href');
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
  for (const anchor of elementsWithTags(document, ['a', 'area'])) {
    const href = anchor.getAttribute('href');
    const url = href ? httpUrl(href, base) : null;
    if (url) links.add(url.href);
  }
  return [...links];
}

function languageOf(
  document: DomDocument,
  metas: readonly DomElement[],
  header: string | null | undefined,
): string | null {
  const raw =
    cleanText(document.documentElement?.getAttribute('lang')) ??
    cleanText(document.documentElement?.getAttribute('xml:lang')) ??
    metaContent(metas, [['http-equiv', 'content-language', 'i']]) ??
    cleanText(header);
  return raw ? primaryLanguage(raw) : null;
}

function parseDocument(html: string): DomDocument {
  const { parseHTML } = parserLibraries();
  const { document } = parseHTML(html) as unknown as { document: DomDocument };
  if (document.documentElement && document.body) return document;
  // linkedom builds no <html>/<body> for fragments or pages that omit them (valid HTML5).
  const wrapped = parseHTML(`<!DOCTYPE html><html><head></head><body>${html}</body></html>`);
  return (wrapped as unknown as { document: DomDocument }).document;
}

/**
 * Readability's article (the content node itself, not serialised) and the document it is in: the
 * page's own, or, when Readability has to look at the page again (see parseArticle), a second
 * parse of it read the stock way.
 */
function readArticle(
  document: DomDocument,
  input: HtmlExtractionInput,
  baseUrl: string,
): { article: ReturnType<Readability<DomElement>['parse']>; document: DomDocument } {
  const { Readability } = parserLibraries();
  const read = (page: DomDocument, restorable: boolean) =>
    parseArticle<DomElement>(
      Readability,
      page as unknown as ConstructorParameters<typeof Readability>[0],
      { serializer: (node) => node as unknown as DomElement, restorable },
    );
  try {
    return { article: read(document, false), document };
  } catch (error) {
    if (!(error instanceof ReadabilityRetry)) throw error;
    const again = parseDocument(input.html);
    setDocumentUrl(again, input.url, baseUrl);
    return { article: read(again, true), document: again };
  }
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
  // Read before Readability, which may remove some of them.
  const metas = elementsWithTags(document, ['meta']);
  const language = languageOf(document, metas, input.contentLanguage);
  const documentTitle =
    cleanText(document.title) ?? cleanText(document.querySelector('h1')?.textContent);
  const description = metaContent(metas, [
    ['name', 'description', 'i'],
    ['property', 'og:description'],
    ['name', 'twitter:description', 'i'],
  ]);
  const siteName = metaContent(metas, [
    ['property', 'og:site_name'],
    ['name', 'application-name', 'i'],
  ]);
  const metaAuthor = metaContent(metas, [
    ['name', 'author', 'i'],
    ['property', 'article:author'],
  ]);
  const metaPublished = metaContent(metas, [
    ['property', 'article:published_time'],
    ['name', 'date', 'i'],
    ['itemprop', 'datePublished'],
  ]);
  const time = elementsWithTags(document, ['time']).find((element) =>
    element.hasAttribute('datetime'),
  );
  const timeElement = cleanText(time?.getAttribute('datetime'));

  const { article, document: read } = readArticle(document, input, baseUrl);

  const contentRoot: DomNode | null = article?.content ?? read.body;
  const { text, words } = contentRoot ? blockText(contentRoot) : { text: '', words: 0 };
  const markdown = input.outputFormat !== 'text' && contentRoot ? markdownOf(contentRoot) : null;

  return {
    url: input.url,
    title:
      cleanText(article?.title) ??
      // After Readability, as before: the metas it left.
      metaContent(elementsWithTags(read, ['meta']), [['property', 'og:title']]) ??
      documentTitle,
    description: description ?? cleanText(article?.excerpt),
    text: input.outputFormat === 'markdown' ? null : text,
    markdown: input.outputFormat === 'text' ? null : markdown,
    links,
    language: language ?? cleanText(article?.lang),
    siteName: siteName ?? cleanText(article?.siteName),
    byline: cleanText(article?.byline) ?? metaAuthor,
    publishedIso: toIso(article?.publishedTime) ?? toIso(metaPublished) ?? toIso(timeElement),
    wordCount: words,
    readingTime: readingMinutes(words),
    contentType: input.contentType,
  };
}
