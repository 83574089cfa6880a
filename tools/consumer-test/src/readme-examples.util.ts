import { readFileSync } from 'node:fs';

export interface ReadmeExample {
  /** `<library>-<n>`, n counting the README's ```ts blocks from 1. */
  name: string;
  source: string;
}

/** Every ```ts block of a README, in order: each one must be a whole module that compiles. */
export function readmeExamples(library: string, readmePath: string): ReadmeExample[] {
  const text = readFileSync(readmePath, 'utf8');
  const blocks = [...text.matchAll(/^```ts\n([\s\S]*?)^```$/gm)];
  return blocks.map((block, index) => ({ name: `${library}-${index + 1}`, source: block[1] }));
}
