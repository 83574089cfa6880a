// Shared jest settings for every project: swc with decorator metadata (Nest DI needs it),
// tsconfig path aliases, and one private redis-server per jest run on a free port.
const path = require('node:path');
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = {};
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  moduleNameMapper[`^${alias}$`] = path.join(__dirname, target);
}

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  // linkedom's parser dependencies, @fastify/static's content-disposition and openapi-backend's $ref parser ship as ES
  // modules only. Node loads them through require(esm); jest's module system cannot, so they are compiled to CommonJS for tests.
  transformIgnorePatterns: [
    '/node_modules/(?!(linkedom/node_modules/)?(@apidevtools/json-schema-ref-parser|content-disposition|boolbase|css-select|css-what|cssomnom|dom-serializer|domelementtype|domhandler|domutils|entities|html-escaper|htmlparser2|nth-check|uhyphen)/)',
  ],
  testMatch: ['**/?(*.)+(spec|e2e-spec).ts'],
  globalSetup: path.join(__dirname, 'tools/testing/jest-global-setup.ts'),
  globalTeardown: path.join(__dirname, 'tools/testing/jest-global-teardown.ts'),
  testTimeout: 30000,
};
