import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  // The fixture application imports the packed libraries and the Express platform, which exist only
  // in the folder the test installs it into; it is compiled there, under strict TypeScript.
  { ignores: ['app/**'] },
];
