import {
  NetworkPolicy,
  SsrfBlockedError,
  assertFetchableUrl,
  resolveCheckedAddresses,
  systemLookup,
} from '@riptide/crawler';
import type { LookupFunction } from '@riptide/crawler';
import { WebhooksMessages } from './webhooks.messages';

/** Longest the submission-time DNS check waits; beyond it the URL is accepted (every delivery checks again). */
const RESOLVE_DEADLINE_MS = 2000;

/**
 * Why a webhook URL may not be accepted under `policy` (the crawler's SSRF rules), or null:
 * a private, loopback, link-local or metadata literal, a local-only name, or a name that
 * resolves to such an address. The message never names the address. A name that does not
 * resolve now is accepted: DNS can be briefly away, and every delivery is checked again at
 * connect time, so nothing private is ever reached.
 */
export async function webhookTargetProblem(
  url: string,
  policy: NetworkPolicy,
  lookup: LookupFunction = systemLookup,
): Promise<string | null> {
  let parsed: URL;
  try {
    parsed = assertFetchableUrl(url, policy);
  } catch (error) {
    if (error instanceof SsrfBlockedError) return WebhooksMessages.privateTarget;
    return null; // its shape is the queue validator's to report
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const deadline = new Promise<'timeout'>((resolve) =>
    setTimeout(() => resolve('timeout'), RESOLVE_DEADLINE_MS).unref(),
  );
  try {
    await Promise.race([resolveCheckedAddresses(host, policy, lookup), deadline]);
    return null;
  } catch (error) {
    // Anything else (DNS away, no answer) is left to the connect-time check of each delivery.
    return error instanceof SsrfBlockedError ? WebhooksMessages.privateTarget : null;
  }
}
