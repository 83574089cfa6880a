module.exports = {
  displayName: 'workers-api',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../coverage/libs/workers-api',
};
