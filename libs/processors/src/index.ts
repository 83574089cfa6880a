export { ProcessorsModule } from './lib/processors.module';
export type { ProcessorsModuleOptions } from './lib/processors-options.interface';
export { CRAWLER } from './lib/processors.constants';
export { CrawlProcessor } from './lib/crawl/crawl.processor';
export type { BatchCrawlOutcome } from './lib/crawl/crawl-result.mapper';
export type { CrawlOutcome } from './lib/crawl/crawl-result.mapper';
export { MaintenanceProcessor } from './lib/maintenance/maintenance.processor';
