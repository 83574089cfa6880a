import { normaliseText, readingMinutes } from './text-stats.util';
import { extractHtml } from './html-extractor.util';
import { parseRetryAfter } from './crawler.service';

const PAGE = `<!doctype html><html lang="de-AT"><head><title>Fallback title</title>
<meta property="og:title" content="Og title"><meta name="description" content="  A   description. ">
<meta property="og:site_name" content="Site"><base href="https://base.example/dir/"></head>
<body><nav><a href="/a">A</a><a href="/a#x">A again</a><a href="b">B</a><a href="mailto:x@y.z">m</a><a href="https://other.example/c?q=1#f">C</a></nav>
<article><h1>Heading</h1><p>${'Alpha beta gamma delta. '.repeat(60)}</p><p>Second paragraph here.</p></article></body></html>`;

/** Words in `text` (runs of non-space characters): the oracle for the word counts. */
function countWords(text: string): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    const space = code === 32 || (code >= 9 && code <= 13) || code === 160;
    if (!space && !inWord) count += 1;
    inWord = !space;
  }
  return count;
}

/** normaliseText's text as its definition states it, in regular expressions. */
const normalisedByDefinition = (text: string) =>
  text
    .replace(/\r\n?/g, '\n')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

describe('extractHtml', () => {
  it('collects absolute, de-duplicated http(s) links against <base>', () => {
    const doc = extractHtml({
      html: PAGE,
      url: 'https://page.example/x',
      contentType: 'text/html',
      outputFormat: 'document',
    });
    expect(doc.links).toEqual([
      'https://base.example/a',
      'https://base.example/dir/b',
      'https://other.example/c?q=1',
    ]);
    expect(doc.language).toBe('de-AT');
    expect(doc.siteName).toBe('Site');
    expect(doc.description).toBe('A description.');
    expect(doc.text).toContain('Second paragraph here.');
    expect(doc.text).not.toContain('A again');
    expect(doc.markdown).toContain('Second paragraph here.');
    expect(doc.wordCount).toBe(countWords(doc.text ?? ''));
  });

  it('makes the links and images of the markdown absolute, against <base> or the page URL', () => {
    const article = (head: string) =>
      `<!doctype html><html><head><title>T</title>${head}</head><body><article><h1>T</h1>` +
      `<p>${'Words enough for the reader view to keep this paragraph. '.repeat(12)}` +
      `<a href="next.html">next</a>, <a href="/top">top</a>, <a href="#notes">notes</a> <img src="img/tide.png" alt="tide"></p></article></body></html>`;
    const plain = extractHtml({
      html: article(''),
      url: 'https://page.example/dir/story',
      contentType: 'text/html',
      outputFormat: 'markdown',
    });
    expect(plain.markdown).toContain('[next](https://page.example/dir/next.html)');
    expect(plain.markdown).toContain('[top](https://page.example/top)');
    expect(plain.markdown).toContain('[notes](#notes)'); // an in-page anchor stays one
    expect(plain.markdown).toContain('![tide](https://page.example/dir/img/tide.png)');
    const based = extractHtml({
      html: article('<base href="https://cdn.example/base/">'),
      url: 'https://page.example/dir/story',
      contentType: 'text/html',
      outputFormat: 'markdown',
    });
    expect(based.markdown).toContain('[next](https://cdn.example/base/next.html)');
    expect(based.markdown).toContain('![tide](https://cdn.example/base/img/tide.png)');
  });

  it('fills only the text fields the output format asks for', () => {
    const text = extractHtml({
      html: PAGE,
      url: 'https://page.example/',
      contentType: 'text/html',
      outputFormat: 'text',
    });
    expect(text.markdown).toBeNull();
    expect(text.text).not.toBeNull();
    const markdown = extractHtml({
      html: PAGE,
      url: 'https://page.example/',
      contentType: 'text/html',
      outputFormat: 'markdown',
    });
    expect(markdown.text).toBeNull();
    expect(markdown.markdown).not.toBeNull();
    expect(markdown.wordCount).toBe(text.wordCount);
  });

  it('copes with fragments and empty documents', () => {
    const doc = extractHtml({
      html: '',
      url: 'https://page.example/',
      contentType: 'text/html',
      outputFormat: 'document',
    });
    expect(doc.links).toEqual([]);
    expect(doc.wordCount).toBe(0);
    expect(doc.readingTime).toBe(0);
  });
});

describe('text statistics', () => {
  it('counts words and reading minutes', () => {
    expect(countWords('  one two\tthree\nfour ')).toBe(4);
    expect(readingMinutes(0)).toBe(0);
    expect(readingMinutes(1)).toBe(1);
    expect(readingMinutes(401)).toBe(3);
    expect(normaliseText(' a  b \n\n\n\n c ').text).toBe('a b\n\nc');
  });

  it('normalises white space exactly as the regular-expression definition does, counting the words of the result', () => {
    const alphabet = [
      'a',
      'b',
      'é',
      ' ',
      '  ',
      '\t',
      '\n',
      '\r',
      '\r\n',
      '\u00a0',
      '\u2003',
      '\u2028',
      '\ufeff',
      '\v',
      '\f',
      '.',
    ];
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let run = 0; run < 5000; run += 1) {
      const parts = Array.from(
        { length: Math.floor(random() * 24) },
        () => alphabet[Math.floor(random() * alphabet.length)],
      );
      const text = parts.join('');
      expect(JSON.stringify(normaliseText(text).text)).toBe(
        JSON.stringify(normalisedByDefinition(text)),
      );
      // The words counted in the same pass are the words of the result.
      const normalised = normaliseText(text);
      expect(normalised.words).toBe(countWords(normalised.text));
    }
  });

  it('keeps the gaps that are already normal and rewrites the others, wherever they fall', () => {
    expect(normaliseText('one two\nthree\n\nfour')).toEqual({
      text: 'one two\nthree\n\nfour',
      words: 4,
    });
    expect(
      normaliseText('\n\none two  three\t\n four\r\n\r\nfive \n\n\n six\u00a0seven\r'),
    ).toEqual({
      text: 'one two three\nfour\n\nfive\n\nsix seven',
      words: 7,
    });
    expect(normaliseText(' \n\t ')).toEqual({ text: '', words: 0 });
    expect(normaliseText('word')).toEqual({ text: 'word', words: 1 });
    expect(normaliseText('a\rb\r\rc\r\nd\n\re')).toEqual({ text: 'a\nb\n\nc\nd\n\ne', words: 5 });
  });

  it('normalises long texts like the regular-expression definition, gap after gap', () => {
    const gaps = [' ', ' ', ' ', '\n', '\n\n', '  ', ' \n', '\n\n\n', '\t', '\r\n', '\u2003'];
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let run = 0; run < 500; run += 1) {
      let text = random() < 0.5 ? gaps[Math.floor(random() * gaps.length)] : '';
      for (let word = Math.floor(random() * 60); word > 0; word -= 1)
        text +=
          'word'.slice(0, 1 + Math.floor(random() * 4)) + gaps[Math.floor(random() * gaps.length)];
      const normalised = normaliseText(text);
      expect(JSON.stringify(normalised.text)).toBe(JSON.stringify(normalisedByDefinition(text)));
      expect(normalised.words).toBe(countWords(normalised.text));
    }
  });

  it('parses Retry-After seconds and dates', () => {
    const now = Date.parse('2024-01-01T00:00:00Z');
    expect(parseRetryAfter('5', now)).toBe(5000);
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('Sun, 31 Dec 2023 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});
