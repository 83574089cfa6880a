const { NxAppWebpackPlugin } = require('@nx/webpack/app-plugin');
const { join } = require('node:path');

// Libraries are bundled from source; node_modules stay external (Nest needs tsc for decorator metadata).
module.exports = {
  output: { path: join(__dirname, `../../dist/apps/${require('./project.json').name}`) },
  plugins: [
    new NxAppWebpackPlugin({
      target: 'node',
      compiler: 'tsc',
      main: './src/main.ts',
      // The crawler's HTML extraction threads load this script from beside main.js. Absolute, because
      // Nx rebases only entry paths that start with './' onto the project and takes others from the workspace root.
      additionalEntryPoints: [
        {
          entryName: 'html-extraction.worker',
          entryPath: join(__dirname, '../../libs/crawler/src/lib/html-extraction.worker.ts'),
        },
      ],
      tsConfig: './tsconfig.app.json',
      optimization: false,
      outputHashing: 'none',
      generatePackageJson: false,
      externalDependencies: 'all',
    }),
  ],
};
