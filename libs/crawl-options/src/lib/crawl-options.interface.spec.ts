import {
  CACHE_MODES,
  OUTPUT_FORMATS,
  isCacheMode,
  isOutputFormat,
} from './crawl-options.interface';

describe('crawl option vocabularies', () => {
  it('accepts every cache mode and output format they list', () => {
    expect(CACHE_MODES.every(isCacheMode)).toBe(true);
    expect(OUTPUT_FORMATS.every(isOutputFormat)).toBe(true);
  });

  it('refuses other values, other types and the other vocabulary', () => {
    for (const value of [
      'READ_THROUGH',
      'read-through',
      '',
      null,
      undefined,
      1,
      ['bypass'],
      'markdown',
    ])
      expect(isCacheMode(value)).toBe(false);
    for (const value of ['Markdown', 'html', '', null, undefined, 0, { text: true }, 'bypass'])
      expect(isOutputFormat(value)).toBe(false);
  });
});
