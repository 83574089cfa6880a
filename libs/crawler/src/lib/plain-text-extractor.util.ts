import type { ExtractedDoc } from './crawler.interface';
import type { HtmlExtractionInput } from './html-extractor.util';
import { cleanText, normaliseText, primaryLanguage, readingMinutes } from './text-stats.util';

/**
 * Plain text → {@link ExtractedDoc} (no title, links or metadata to find). Apart from the HTML
 * extractor, so that a process which extracts text pages loads no HTML parser for them.
 */
export function extractPlainText(
  input: Omit<HtmlExtractionInput, 'html'> & { text: string },
): ExtractedDoc {
  const { text, words } = normaliseText(input.text);
  const language = cleanText(input.contentLanguage);
  return {
    url: input.url,
    title: null,
    description: null,
    text: input.outputFormat === 'markdown' ? null : text,
    markdown: input.outputFormat === 'text' ? null : text,
    links: [],
    language: language ? primaryLanguage(language) : null,
    siteName: null,
    byline: null,
    publishedIso: null,
    wordCount: words,
    readingTime: readingMinutes(words),
    contentType: input.contentType,
  };
}
