export { articleTitle, renderArticlePage, seededRandom } from './article-page.fixture';
export type { ArticlePageOptions } from './article-page.fixture';
export { buildMalformedPdf, buildPdfDocument } from './pdf-document.fixture';
export type { PdfDocumentOptions } from './pdf-document.fixture';
export {
  FIXTURE_ARTICLE,
  FIXTURE_PDF,
  startCanaryServer,
  startFixtureSite,
} from './fixture-site.server';
export type {
  CanaryServer,
  FixtureHandler,
  FixtureSite,
  FixtureSiteOptions,
  RecordedRequest,
  RobotsFixture,
} from './fixture-site.interface';
