import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { deliveryRetrySchedule, resolveWebhooksOptions } from '../resolve-webhooks-options.util';
import { signatureHeader } from './webhook-signature.util';

/** The receiver snippet of the repository README, compiled and run against real signatures. */
function readmeVerifier(): (header: string, body: string, secret: string) => boolean {
  const readme = readFileSync(join(__dirname, '../../../../../README.md'), 'utf8');
  const block = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)]
    .map((match) => match[1])
    .find((source) => source.includes('verifyRipTideSignature'));
  if (!block) throw new Error('the README has no verifyRipTideSignature snippet');
  const { outputText } = ts.transpileModule(block, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  const module = { exports: {} as Record<string, unknown> };
  new Function('module', 'exports', 'require', outputText)(module, module.exports, require);
  return module.exports['verifyRipTideSignature'] as (h: string, b: string, s: string) => boolean;
}

describe('the README', () => {
  it("shows a receiver check that accepts this library's signatures and refuses others", () => {
    const verify = readmeVerifier();
    const body = '{"id":"1768446000000-0","type":"job.completed"}';
    expect(verify(signatureHeader(['whsec_a'], body), body, 'whsec_a')).toBe(true);
    expect(verify(signatureHeader(['whsec_new', 'whsec_a'], body), body, 'whsec_a')).toBe(true);
    expect(verify(signatureHeader(['whsec_b'], body), body, 'whsec_a')).toBe(false);
    expect(verify(signatureHeader(['whsec_a'], body), `${body}\n`, 'whsec_a')).toBe(false);
    const old = Math.floor(Date.now() / 1000) - 600;
    expect(verify(signatureHeader(['whsec_a'], body, old), body, 'whsec_a')).toBe(false);
  });

  it('states the retry schedule of the default settings', () => {
    const defaults = resolveWebhooksOptions({ redisUrl: 'redis://unused' });
    expect(deliveryRetrySchedule(defaults)).toEqual([30, 90, 210, 450, 930, 1890, 3810]);
    const readme = readFileSync(join(__dirname, '../../../../../README.md'), 'utf8');
    expect(readme).toContain(
      'the retries go 30 s, 1.5 min,\n3.5 min, 7.5 min, 15.5 min, 31.5 min and 63.5 min after the first attempt',
    );
  });
});
