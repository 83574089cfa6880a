import {
  WEBHOOK_ERROR_MAX_BYTES,
  boundWebhookError,
  webhookKindsField,
} from './webhook-outbox.util';

describe('webhook outbox helpers', () => {
  it("lists a webhook's kinds delimited on both sides", () => {
    expect(webhookKindsField({ url: 'https://h.example/', events: ['completed'] })).toBe(
      ',completed,',
    );
    expect(
      webhookKindsField({ url: 'https://h.example/', events: ['failed', 'dead_letter'] }),
    ).toBe(',failed,dead_letter,');
  });

  it('keeps an error within the bound as it is and cuts a longer one between characters', () => {
    expect(boundWebhookError('boom')).toBe('boom');
    const exact = 'a'.repeat(WEBHOOK_ERROR_MAX_BYTES);
    expect(boundWebhookError(exact)).toBe(exact);
    expect(boundWebhookError(`${exact}b`)).toBe(exact);
    // A 4-byte character across the bound goes whole.
    const split = `${'a'.repeat(WEBHOOK_ERROR_MAX_BYTES - 2)}😀tail`;
    expect(boundWebhookError(split)).toBe('a'.repeat(WEBHOOK_ERROR_MAX_BYTES - 2));
    const fits = `${'a'.repeat(WEBHOOK_ERROR_MAX_BYTES - 4)}😀tail`;
    expect(boundWebhookError(fits)).toBe(`${'a'.repeat(WEBHOOK_ERROR_MAX_BYTES - 4)}😀`);
  });
});
