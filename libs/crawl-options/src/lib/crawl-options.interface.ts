/** `cache_mode` of SPEC §4: how a crawl uses the page cache. */
export const CACHE_MODES = ['read_through', 'bypass', 'refresh', 'cache_only'] as const;
export type CacheMode = (typeof CACHE_MODES)[number];

/** `output_format` of SPEC §4: which text fields of the document are filled. */
export const OUTPUT_FORMATS = ['document', 'markdown', 'text'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/**
 * The per-crawl options of SPEC §4 that the fetch and extract engine acts on. A crawl job's options
 * are these plus job-level ones (how many URLs at once, which accepted options were ignored).
 */
export interface CrawlOptions {
  /** Default `read_through`. */
  cacheMode?: CacheMode;
  /** Default `document`. */
  outputFormat?: OutputFormat;
  /** Obey robots.txt. Default true. */
  respectRobots?: boolean;
  /** Total time for the fetch (after any politeness wait). Default: the crawler's `timeouts.totalMs`. */
  timeoutMs?: number;
  /** Decoded body cap. Default: the crawler's `maxBytes`. */
  maxBytes?: number;
}

/** True for one of {@link CACHE_MODES}; for checking input that has not been typed yet. */
export function isCacheMode(value: unknown): value is CacheMode {
  return (CACHE_MODES as readonly unknown[]).includes(value);
}

/** True for one of {@link OUTPUT_FORMATS}; for checking input that has not been typed yet. */
export function isOutputFormat(value: unknown): value is OutputFormat {
  return (OUTPUT_FORMATS as readonly unknown[]).includes(value);
}
