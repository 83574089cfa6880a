module.exports = {
  displayName: 'crawl-options',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../coverage/libs/crawl-options',
};
