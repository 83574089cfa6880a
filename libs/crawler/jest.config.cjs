module.exports = {
  displayName: 'crawler',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../coverage/libs/crawler',
};
