/** Options for {@link renderArticlePage}. */
export interface ArticlePageOptions {
  /** Article number; the same number always renders the same bytes. */
  index: number;
  /** How many article pages exist, so generated links stay inside the site. Default 1000. */
  total?: number;
  /** Path prefix of article links. Default `/articles/`. */
  pathPrefix?: string;
  /** Smallest page size in bytes. Default 30 000. */
  minBytes?: number;
  /** Largest page size in bytes. Default 80 000. */
  maxBytes?: number;
}

const WORDS = (
  'crawler queue worker redis latency throughput request response header body cache policy robots ' +
  'politeness extraction document markdown paragraph article network timeout retry backoff signal ' +
  'stream buffer parser content language editor reader archive ocean harbour river mountain valley ' +
  'village market bridge lantern garden winter summer autumn spring morning evening journey story ' +
  'history science measure analysis careful patient simple honest quiet bright steady useful modern'
).split(' ');

/** Small deterministic PRNG (mulberry32) so fixture pages are byte-identical across runs. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sentence(random: () => number): string {
  const length = 8 + Math.floor(random() * 14);
  const words: string[] = [];
  for (let i = 0; i < length; i += 1) words.push(WORDS[Math.floor(random() * WORDS.length)]);
  const text = words.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** The title an article page carries, for assertions. */
export function articleTitle(index: number): string {
  return `Field notes ${index}: on patient crawling`;
}

/**
 * A realistic news-style article page (navigation, sidebar, comments, footer around the main
 * text) of a deterministic size between `minBytes` and `maxBytes`, linking to other articles.
 */
export function renderArticlePage(options: ArticlePageOptions): string {
  const total = options.total ?? 1000;
  const prefix = options.pathPrefix ?? '/articles/';
  const minBytes = options.minBytes ?? 30_000;
  const maxBytes = options.maxBytes ?? 80_000;
  const random = seededRandom(options.index + 1);
  const target = minBytes + Math.floor(random() * (maxBytes - minBytes));
  const link = (n: number) => `${prefix}${((n % total) + total) % total}`;
  const title = articleTitle(options.index);

  const nav = Array.from(
    { length: 12 },
    (_, i) => `<li><a href="${link(options.index + i + 1)}">Section ${i + 1}</a></li>`,
  ).join('');
  const head =
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">` +
    `<title>${title} | Harbour Gazette</title>` +
    `<meta name="description" content="Article ${options.index} of the fixture site.">` +
    `<meta property="og:site_name" content="Harbour Gazette">` +
    `<meta name="author" content="Ada Fixture">` +
    `<meta property="article:published_time" content="2024-03-0${(options.index % 9) + 1}T08:30:00Z">` +
    `<link rel="stylesheet" href="/static/site.css"><script>window.analytics = { page: ${options.index} };</script>` +
    `</head><body><header class="site-header"><a href="/">Harbour Gazette</a><nav><ul>${nav}</ul></nav></header>` +
    `<main><article><h1>${title}</h1><p class="byline">By Ada Fixture</p>`;
  const tail =
    `</article><aside class="sidebar"><h3>Most read</h3><ul>` +
    Array.from(
      { length: 8 },
      (_, i) => `<li><a href="${link(options.index * 7 + i)}">Most read ${i}</a></li>`,
    ).join('') +
    `</ul></aside></main><footer><p>&copy; Harbour Gazette</p><a href="/about">About</a> <a href="/contact">Contact</a>` +
    ` <a href="mailto:desk@example.org">Mail</a></footer></body></html>`;

  const parts: string[] = [head];
  let size = head.length + tail.length;
  let paragraph = 0;
  while (size < target) {
    let html: string;
    if (paragraph > 0 && paragraph % 6 === 0) {
      html = `<h2>Part ${paragraph / 6}</h2>`;
    } else {
      const sentences: string[] = [];
      const count = 3 + Math.floor(random() * 5);
      for (let i = 0; i < count; i += 1) sentences.push(sentence(random));
      if (paragraph % 3 === 1) {
        const target = link(options.index + paragraph * 13);
        sentences.splice(1, 0, `See <a href="${target}">the related report</a> for details.`);
      }
      html = `<p>${sentences.join(' ')}</p>`;
    }
    parts.push(html);
    size += html.length;
    paragraph += 1;
  }
  parts.push(tail);
  return parts.join('');
}
