import type { Readability } from '@mozilla/readability';
import type { DomElement, DomNode } from './dom.interface';
import { elementsWithTags } from './dom-query.util';

/*
 * Readability was written for browser DOMs, where querySelectorAll and element.style are native.
 * On linkedom they are not: every querySelectorAll parses and compiles its selector with
 * css-select (Readability asks for its tag lists about 120 times a page), and every element.style
 * builds a CSSStyleDeclaration proxy that parses the style attribute. On the crawl-throughput
 * pages those two took about 13 % of an extraction thread's time. The two Readability helpers
 * behind them are replaced here, per instance, by equivalents that read the tree directly and give
 * the same answers, so the article Readability finds is the one it found before.
 *
 * Readability also serialises the page's body before it looks for the article (to restore it if
 * it has to look again with looser rules) and the article it found (for a debug message it builds
 * even when debugging is off): two innerHTML strings of the size of the page, about 6 % of the
 * thread's time, that are thrown away unless it looks again, which it does for pages whose article
 * comes out shorter than 500 characters. So the body is not serialised; if Readability does look
 * again, it stops with ReadabilityRetry and the caller reads the page again the stock way.
 */

/** The private Readability members (of @mozilla/readability 0.6.0, pinned) that are replaced or read. */
export interface ReadabilityHelpers {
  _doc: { body: DomElement | null };
  _getAllNodesWithTag(node: DomNode, tagNames: string[]): ArrayLike<DomElement>;
  _isProbablyVisible(node: DomElement): boolean;
  _grabArticle(page?: DomElement | null): DomElement | null;
}

/** Readability is looking for the article a second time: read the page again with `restorable`. */
export class ReadabilityRetry extends Error {
  constructor() {
    super('Readability retries the page');
    this.name = 'ReadabilityRetry';
  }
}

/** Handed to Readability in place of the body's HTML, which it gives back only to retry. */
const UNSERIALISED_PAGE = '\u0000unserialised page\u0000';

/** The innerHTML accessor elements inherit (linkedom's Element.prototype). */
function inheritedInnerHtml(element: object): PropertyDescriptor {
  for (let proto = Object.getPrototypeOf(element); proto; proto = Object.getPrototypeOf(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, 'innerHTML');
    if (descriptor) return descriptor;
  }
  throw new Error('no innerHTML accessor');
}

/**
 * _grabArticle with the body's HTML not built: its first read answers UNSERIALISED_PAGE (later
 * reads answer the real HTML), and giving that back, which Readability does only to try again,
 * throws ReadabilityRetry. The article it returns answers '' the first time its innerHTML is
 * read, which is for parse's debug message.
 */
function grabWithoutSerialising(
  stock: ReadabilityHelpers['_grabArticle'],
  grabbed: Set<DomElement>,
): ReadabilityHelpers['_grabArticle'] {
  return function (this: ReadabilityHelpers, page) {
    const root = page ?? this._doc.body;
    if (!root) return stock.call(this, page);
    const inherited = inheritedInnerHtml(root);
    let read = false;
    Object.defineProperty(root, 'innerHTML', {
      configurable: true,
      get(this: DomElement) {
        if (read) return inherited.get?.call(this);
        read = true;
        return UNSERIALISED_PAGE;
      },
      set(this: DomElement, html: string) {
        if (html === UNSERIALISED_PAGE) throw new ReadabilityRetry();
        inherited.set?.call(this, html);
      },
    });
    try {
      const article = stock.call(this, page);
      if (article) {
        // Once: the read of parse's debug message, which comes first; a serializer reading
        // innerHTML after it gets the real HTML.
        Object.defineProperty(article, 'innerHTML', {
          configurable: true,
          get(this: DomElement) {
            delete (this as { innerHTML?: string }).innerHTML;
            return '';
          },
        });
        grabbed.add(article);
      }
      return article;
    } finally {
      delete (root as { innerHTML?: string }).innerHTML;
    }
  };
}

/**
 * Readability's visibility test. An element without a style attribute has neither
 * `display: none` nor `visibility: hidden`, so its style is read (and a CSSStyleDeclaration built)
 * only when it has one; the rest of the test is Readability's own.
 */
function isProbablyVisible(
  stock: ReadabilityHelpers['_isProbablyVisible'],
): ReadabilityHelpers['_isProbablyVisible'] {
  return function (this: unknown, node) {
    if (node.hasAttribute('style')) return stock.call(this, node);
    return (
      !node.hasAttribute('hidden') &&
      (!node.hasAttribute('aria-hidden') ||
        node.getAttribute('aria-hidden') != 'true' ||
        Boolean(node.className && node.className.includes('fallback-image')))
    );
  };
}

/**
 * Readability's article for a linkedom document, with the helpers above in place of its own.
 * Unless `restorable` (or `debug`), the page is not serialised, and a page Readability has to look at again
 * throws ReadabilityRetry (its document is then half rewritten: parse the page again and call
 * this with `restorable`). The spec checks each replacement against the stock helper and whole
 * articles against stock Readability.
 */
export function parseArticle<T>(
  ReadabilityClass: typeof Readability,
  document: ConstructorParameters<typeof Readability>[0],
  options: ConstructorParameters<typeof Readability<T>>[1] & { restorable?: boolean },
): ReturnType<Readability<T>['parse']> {
  const { restorable, ...readabilityOptions } = options ?? {};
  const reader = new ReadabilityClass<T>(document, readabilityOptions);
  const helpers = reader as unknown as ReadabilityHelpers;
  helpers._getAllNodesWithTag = elementsWithTags;
  helpers._isProbablyVisible = isProbablyVisible(helpers._isProbablyVisible);
  if (restorable || readabilityOptions.debug) return reader.parse();
  const grabbed = new Set<DomElement>();
  helpers._grabArticle = grabWithoutSerialising(helpers._grabArticle, grabbed);
  try {
    return reader.parse();
  } finally {
    for (const article of grabbed) delete (article as { innerHTML?: string }).innerHTML;
  }
}
