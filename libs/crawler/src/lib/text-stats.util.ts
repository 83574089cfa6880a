import { READING_WORDS_PER_MINUTE } from './crawler.constants';

/** Words in `text` (runs of non-space characters). */
export function countWords(text: string): number {
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

/** Reading time in whole minutes, rounded up; 0 for an empty text. */
export function readingMinutes(words: number): number {
  return Math.ceil(words / READING_WORDS_PER_MINUTE);
}

/** The characters of the regular expression class \s other than line breaks (\n and \r). */
function isInlineSpace(code: number): boolean {
  if (code <= 32) return code === 32 || code === 9 || code === 11 || code === 12;
  if (code < 160) return false;
  return (
    code === 160 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/**
 * Collapses runs of spaces, trims lines and keeps at most one blank line between paragraphs
 * (CRLF and CR count as line breaks). One pass over the text: it runs on every extracted page,
 * where the four regular-expression passes it replaces cost about 7 % of the extraction.
 */
export function normaliseWhitespace(text: string): string {
  return normaliseText(text).text;
}

/**
 * normaliseWhitespace, and the words of its result counted in the same pass: each run of visible
 * characters it keeps is one word, exactly what countWords would find in the result (whose only
 * separators are spaces and line breaks), without a second walk over every character of the page.
 */
export function normaliseText(text: string): { text: string; words: number } {
  let words = 0;
  let out = '';
  let segmentStart = -1; // start of the run of visible characters being read
  let lineBreaks = 0; // line breaks since the last visible character
  let space = false; // other white space since the last visible character
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    const lineBreak = code === 10 || code === 13;
    if (lineBreak || isInlineSpace(code)) {
      if (segmentStart !== -1) {
        out += text.slice(segmentStart, i);
        segmentStart = -1;
      }
      if (lineBreak) {
        if (!(code === 10 && i > 0 && text.charCodeAt(i - 1) === 13)) lineBreaks += 1;
      } else space = true;
      continue;
    }
    if (segmentStart === -1) {
      // Separators before the first visible character are dropped (the trim).
      if (out !== '') out += lineBreaks >= 2 ? '\n\n' : lineBreaks === 1 ? '\n' : space ? ' ' : '';
      segmentStart = i;
      words += 1;
      lineBreaks = 0;
      space = false;
    }
  }
  if (segmentStart !== -1) out += text.slice(segmentStart);
  return { text: out, words };
}
