import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { renderArticlePage } from '@riptide/testing';
import type { DomDocument, DomElement } from './dom.interface';
import { elementsWithTags, walkElementsWithTags } from './dom-query.util';
import { extractHtml } from './html-extractor.util';
import { parseArticle, ReadabilityHelpers, ReadabilityRetry } from './article-reader.util';

type ReadabilityDocument = ConstructorParameters<typeof Readability>[0];

const parse = (html: string) => parseHTML(html).document as unknown as DomDocument;

const long = (words: string) => `${words} `.repeat(40);

/** Pages that exercise what the replaced helpers decide: hidden and styled nodes, odd trees. */
const PAGES = [
  `<!doctype html><html><head><title>Styled | Site</title><meta name="author" content="Ann"></head><body>
   <div style="display: none"><p>${long('Hidden by style.')}</p></div>
   <div style="visibility:hidden"><p>${long('Invisible.')}</p></div>
   <div style="color: red"><p>${long('Red but shown.')}</p></div>
   <div hidden><p>${long('Hidden attribute.')}</p></div>
   <div aria-hidden="true"><p>${long('Aria hidden.')}</p></div>
   <div aria-hidden="true" class="fallback-image"><p>${long('Fallback image.')}</p></div>
   <article><h1>Styled</h1><p>${long('The article itself, long enough to be the article.')}</p>
   <p>${long('A second paragraph, with <a href="/x">a link</a>.')}</p><br><br>
   <table><tr><td>${long('cell')}</td></tr></table><ul><li>one</li><li>two</li></ul>
   <iframe src="https://www.youtube.com/embed/x"></iframe><object data="y"></object>
   <template><p>${long('Template content.')}</p></template></article>
   <div class="comment"><p>${long('A comment.')}</p></div><font>${long('Old font.')}</font>
   </body></html><p>After the end.</p>`,
  `<html><body><script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"From JSON-LD","author":{"name":"Bo"}}</script>
   <noscript><img src="/a.png"></noscript><main><h2>Part</h2><p>${long('Main text of the page.')}</p>
   <svg><a href="/s"><text>svg text</text></a><foreignObject><p>inside</p></foreignObject></svg>
   <div><div><div><p>${long('Nested deeply.')}</p></div></div></div></main></body></html>`,
  renderArticlePage({ index: 3 }),
  renderArticlePage({ index: 41 }),
];

/** A page whose article is shorter than Readability's 500 characters: it looks again. */
const SHORT_PAGE = `<!doctype html><html><head><title>Short</title></head><body>
  <nav><a href="/a">A</a></nav><div class="sidebar"><p>Sidebar words.</p></div>
  <article><p>Only a short article.</p></article></body></html>`;

describe('elementsWithTags', () => {
  const lists = [['p'], ['a'], ['div', 'p'], ['h1', 'h2'], ['td', 'li', 'iframe'], ['template']];

  it("finds what linkedom's querySelectorAll finds, in the same order", () => {
    for (const html of PAGES) {
      const document = parse(html);
      const created = (
        document as unknown as { createElement(tag: string): DomElement }
      ).createElement('DIV');
      (document.body as unknown as { appendChild(node: unknown): void }).appendChild(created);
      for (const root of [document, document.body as DomElement]) {
        for (const tags of lists) {
          const selected = Array.from(root.querySelectorAll(tags.join(',')));
          expect(elementsWithTags(root, tags)).toEqual(selected);
          // The DOM API walk, used if linkedom's own list of nodes is not found.
          expect(walkElementsWithTags(root, new Set(tags))).toEqual(selected);
        }
      }
    }
  });
});

describe('parseArticle', () => {
  it('gives the article stock Readability gives', () => {
    for (const html of PAGES) {
      const stock = new Readability(parse(html) as unknown as ReadabilityDocument).parse();
      const ours = parseArticle<string>(
        Readability,
        parse(html) as unknown as ReadabilityDocument,
        {},
      );
      expect(ours).toEqual(stock);
      expect(stock?.content).toBeTruthy();
    }
  });

  it('gives what the stock visibility test gives, element by element', () => {
    for (const html of PAGES) {
      const document = parse(html);
      const reader = new Readability(document as unknown as ReadabilityDocument);
      const stock = (reader as unknown as ReadabilityHelpers)._isProbablyVisible.bind(reader);
      let ours: ReadabilityHelpers['_isProbablyVisible'] | undefined;
      const spy = jest.spyOn(Readability.prototype, 'parse').mockImplementation(function (
        this: unknown,
      ) {
        ours = (this as ReadabilityHelpers)._isProbablyVisible.bind(this);
        return null;
      });
      parseArticle(Readability, document as unknown as ReadabilityDocument, {});
      spy.mockRestore();
      for (const element of elementsWithTags(document, ['div', 'p', 'font', 'article', 'a'])) {
        expect(Boolean(ours?.(element))).toBe(Boolean(stock(element)));
      }
    }
  });

  it('stops with ReadabilityRetry when Readability looks again, and reads the page the stock way when restorable', () => {
    const stock = new Readability(parse(SHORT_PAGE) as unknown as ReadabilityDocument).parse();
    expect(() =>
      parseArticle(Readability, parse(SHORT_PAGE) as unknown as ReadabilityDocument, {}),
    ).toThrow(ReadabilityRetry);
    const again = parseArticle<string>(
      Readability,
      parse(SHORT_PAGE) as unknown as ReadabilityDocument,
      { restorable: true },
    );
    expect(again).toEqual(stock);
    expect(again?.textContent).toContain('Only a short article.');
  });

  it('leaves no innerHTML of its own on the elements', () => {
    const document = parse(PAGES[0]);
    const article = parseArticle<DomElement>(
      Readability,
      document as unknown as ReadabilityDocument,
      { serializer: (node) => node as unknown as DomElement },
    );
    for (const element of [document.body, article?.content]) {
      expect(Object.getOwnPropertyDescriptor(element, 'innerHTML')).toBeUndefined();
    }
  });

  it('replaces helpers that Readability still has', () => {
    const helpers = Readability.prototype as unknown as Record<string, unknown>;
    for (const name of ['_getAllNodesWithTag', '_isProbablyVisible', '_grabArticle']) {
      expect(typeof helpers[name]).toBe('function');
    }
  });
});

describe('extractHtml on a page Readability looks at again', () => {
  it('reads its article as before', () => {
    const doc = extractHtml({
      html: SHORT_PAGE,
      url: 'https://site.example/short',
      contentType: 'text/html',
      outputFormat: 'document',
    });
    expect(doc.title).toBe('Short');
    // Stock Readability, after its second look, keeps the whole body of so short a page.
    expect(doc.text).toBe('A\n\nSidebar words.\n\nOnly a short article.');
    expect(doc.markdown).toContain('Only a short article.');
  });
});
