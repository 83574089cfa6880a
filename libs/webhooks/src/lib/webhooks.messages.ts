/** User-facing text of the webhooks library. */
export const WebhooksMessages = {
  subscriptionLimit: (max: number) =>
    `A tenant may hold at most ${max} webhook subscriptions; delete one first`,
  subscriptionNotFound: (id: string) => `Webhook subscription ${id} not found`,
  privateTarget:
    'must not point at a private, loopback or link-local address (CRAWL_ALLOW_PRIVATE_NETWORKS)',
  unresolvable: 'has a host name that does not resolve',
  redirected: (status: number) => `the receiver answered ${status} (redirects are not followed)`,
} as const;
