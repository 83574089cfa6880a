module.exports = {
  displayName: 'consumer-test',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  // The fixture application is compiled by the test itself, against the packed libraries.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/app/'],
};
