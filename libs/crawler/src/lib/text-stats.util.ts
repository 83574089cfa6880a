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

/** Collapses runs of spaces, trims lines and keeps at most one blank line between paragraphs. */
export function normaliseWhitespace(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
