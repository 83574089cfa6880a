import { createHmac } from 'node:crypto';
import { computeSignature, signatureHeader, verifySignature } from './webhook-signature.util';

describe('webhook signatures', () => {
  const body = '{"id":"1733250000000-0","type":"job.completed"}';

  it('signs t + "." + body with HMAC-SHA256, hex', () => {
    const expected = createHmac('sha256', 'whsec_a').update(`1700000000.${body}`).digest('hex');
    expect(computeSignature('whsec_a', 1700000000, body)).toBe(expected);
    expect(signatureHeader(['whsec_a'], body, 1700000000)).toBe(`t=1700000000,v1=${expected}`);
  });

  it('verifies with the right secret only, within the tolerance', () => {
    const header = signatureHeader(['whsec_a'], body, 1700000000);
    expect(verifySignature(header, body, 'whsec_a', 300, 1700000100)).toBe(true);
    expect(verifySignature(header, body, 'whsec_b', 300, 1700000100)).toBe(false);
    expect(verifySignature(header, `${body} `, 'whsec_a', 300, 1700000100)).toBe(false);
    expect(verifySignature(header, body, 'whsec_a', 300, 1700000400)).toBe(false);
    expect(verifySignature('v1=abc', body, 'whsec_a')).toBe(false);
  });

  it('carries one v1 per secret, each verifying on its own', () => {
    const header = signatureHeader(['whsec_new', 'whsec_old'], body, 1700000000);
    expect(header.split(',')).toHaveLength(3);
    expect(verifySignature(header, body, 'whsec_new', 300, 1700000000)).toBe(true);
    expect(verifySignature(header, body, 'whsec_old', 300, 1700000000)).toBe(true);
    expect(verifySignature(header, body, 'whsec_other', 300, 1700000000)).toBe(false);
  });
});
