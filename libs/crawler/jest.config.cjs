module.exports = {
  displayName: 'crawler',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  coverageDirectory: '../../coverage/libs/crawler',
  // linkedom's parser dependencies ship as ES modules only. Node loads them through
  // require(esm); jest's module system cannot, so they are compiled to CommonJS for tests.
  transformIgnorePatterns: [
    '/node_modules/(?!(linkedom/node_modules/)?(boolbase|css-select|css-what|cssomnom|dom-serializer|domelementtype|domhandler|domutils|entities|html-escaper|htmlparser2|nth-check|uhyphen)/)',
  ],
};
