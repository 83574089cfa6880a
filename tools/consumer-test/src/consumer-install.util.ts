import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CommandResult, run } from './consumer-app.util';
import { lowEndOfPeers } from './low-end.util';
import { readmeExamples } from './readme-examples.util';

export const WORKSPACE = resolve(__dirname, '../../..');
const FIXTURE = resolve(__dirname, '../app');
const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund'];

/** What the application itself depends on, beside the libraries and their peers. */
const APP_DEPENDENCIES: Record<string, string> = {
  '@nestjs/config': '4.0.0',
  'reflect-metadata': '0.2.2',
  rxjs: '7.8.2',
};
const APP_DEV_DEPENDENCIES: Record<string, string> = {
  typescript: '6.0.3',
  '@types/node': '20.19.43',
};

export interface ConsumerApp {
  dir: string;
  /** Each peer's version as installed: the low end of the ranges the installed libraries declare. */
  lowEnd: Record<string, string>;
  /** The files of each packed tarball, by package name. */
  packed: Record<string, string[]>;
  install: CommandResult;
  compile: CommandResult;
}

export interface ConsumerAppSpec {
  /** Libraries (folder names under libs/) to pack and install. */
  libraries: string[];
  /** Files of the fixture application's src/ to compile. */
  sources: string[];
  /** Also compile every ```ts block of these libraries' READMEs. */
  readmes: boolean;
}

/**
 * Packs the built libraries with npm, writes a new application outside the workspace that depends
 * on the tarballs and on each peer at the low end of its range, installs it from the registry and
 * compiles it with its own TypeScript. Failures are returned, not thrown, so each test can show them.
 */
export async function prepareConsumerApp(spec: ConsumerAppSpec): Promise<ConsumerApp> {
  const dir = mkdtempSync(join(tmpdir(), 'riptide-consumer-'));
  const manifests = spec.libraries.map((lib) =>
    JSON.parse(readFileSync(join(WORKSPACE, 'dist/libs', lib, 'package.json'), 'utf8')),
  );
  const lowEnd = lowEndOfPeers(manifests);
  const packed: Record<string, string[]> = {};
  const failed = (output: string): ConsumerApp => ({
    dir,
    lowEnd,
    packed,
    install: { code: 1, output },
    compile: { code: 1, output: 'not installed' },
  });

  mkdirSync(join(dir, 'tarballs'));
  const pack = await run(
    'npm',
    [
      'pack',
      ...spec.libraries.map((lib) => join(WORKSPACE, 'dist/libs', lib)),
      '--pack-destination',
      'tarballs',
    ],
    dir,
  );
  if (pack.code !== 0) return failed(`npm pack failed:\n${pack.output}`);
  for (const [i, lib] of spec.libraries.entries()) {
    const listing = await run(
      'tar',
      ['-tzf', `tarballs/${tarballOf(lib, manifests[i].version)}`],
      dir,
    );
    packed[manifests[i].name] = listing.output.split('\n').filter(Boolean);
  }

  const dependencies: Record<string, string> = { ...APP_DEPENDENCIES, ...lowEnd };
  // An HTTP application on Nest's default (Express) platform, at the version of its core.
  if (lowEnd['@nestjs/core']) dependencies['@nestjs/platform-express'] = lowEnd['@nestjs/core'];
  spec.libraries.forEach(
    (lib, i) =>
      (dependencies[manifests[i].name] = `file:tarballs/${tarballOf(lib, manifests[i].version)}`),
  );
  const manifest = {
    name: 'consumer-service',
    version: '1.0.0',
    private: true,
    dependencies,
    devDependencies: APP_DEV_DEPENDENCIES,
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  cpSync(join(FIXTURE, 'tsconfig.json'), join(dir, 'tsconfig.json'));
  mkdirSync(join(dir, 'src/readme'), { recursive: true });
  for (const source of spec.sources) cpSync(join(FIXTURE, 'src', source), join(dir, 'src', source));
  if (spec.readmes) {
    const readmes = spec.libraries.map((lib) => [lib, join(WORKSPACE, 'libs', lib, 'README.md')]);
    // The workspace README's "Use the libraries" section, as well.
    readmes.push(['root', join(WORKSPACE, 'README.md')]);
    for (const [name, path] of readmes) {
      for (const example of readmeExamples(name, path)) {
        writeFileSync(join(dir, 'src/readme', `${example.name}.ts`), example.source);
      }
    }
  }

  const install = await run('npm', ['install', ...NPM_FLAGS], dir);
  if (install.code !== 0)
    return { dir, lowEnd, packed, install, compile: { code: 1, output: 'not installed' } };
  const compile = await run(
    process.execPath,
    [join(dir, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
    dir,
  );
  return { dir, lowEnd, packed, install, compile };
}

/** The file name `npm pack` gives a library's tarball. */
function tarballOf(lib: string, version: string): string {
  return `riptide-${lib}-${version}.tgz`;
}

/** The version of a package as installed in the application. */
export function installedVersion(app: ConsumerApp, name: string): string {
  return JSON.parse(readFileSync(join(app.dir, 'node_modules', name, 'package.json'), 'utf8'))
    .version;
}
