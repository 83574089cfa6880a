module.exports = {
  displayName: 'processors',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../coverage/libs/processors',
};
