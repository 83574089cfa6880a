import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    files: ['**/*.json'],
    rules: {
      // pdfjs-dist is loaded by the PDF worker's eval'd source (see pdf-worker.script.ts), which
      // the import scanner cannot see; it is still a runtime dependency.
      '@nx/dependency-checks': [
        'error',
        {
          ignoredDependencies: ['pdfjs-dist'],
          ignoredFiles: [
            '{projectRoot}/eslint.config.{js,cjs,mjs}',
            '{projectRoot}/jest.config.cjs',
            '{projectRoot}/**/*.spec.ts',
            '{projectRoot}/**/*.e2e-spec.ts',
            '{projectRoot}/**/*.spec-helper.ts',
          ],
        },
      ],
    },
    languageOptions: { parser: await import('jsonc-eslint-parser') },
  },
];
