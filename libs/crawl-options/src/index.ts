export {
  CACHE_MODES,
  OUTPUT_FORMATS,
  isCacheMode,
  isOutputFormat,
} from './lib/crawl-options.interface';
export type { CacheMode, CrawlOptions, OutputFormat } from './lib/crawl-options.interface';
