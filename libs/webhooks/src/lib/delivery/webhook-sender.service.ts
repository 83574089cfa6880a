import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { CrawlError, SafeFetcher, createNetworkPolicy } from '@riptide/crawler';
import { signatureHeader } from '../signing/webhook-signature.util';
import { ResolvedWebhooksOptions } from '../webhooks-options.interface';
import {
  EVENT_HEADER,
  EVENT_ID_HEADER,
  RESOLVED_WEBHOOKS_OPTIONS,
  RESPONSE_READ_LIMIT,
  SIGNATURE_HEADER,
} from '../webhooks.constants';
import { DeliveryJobData } from './webhook-delivery.interface';

/** One attempt's answer. */
export interface SendOutcome {
  delivered: boolean;
  statusCode: number | null;
  errorCode: string | null;
  /** True when sending again cannot help (the target is refused by the SSRF rules, say). */
  permanent: boolean;
}

/**
 * POSTs a delivery through the crawler's SSRF-safe fetcher: every connection checked at connect
 * time against the same rules as crawling, a total time limit, redirects not followed (a 3xx is a
 * failed attempt), at most RESPONSE_READ_LIMIT bytes of the answer read, then dropped.
 */
@Injectable()
export class WebhookSender implements OnApplicationShutdown {
  private readonly fetcher: SafeFetcher;

  constructor(
    @Inject(RESOLVED_WEBHOOKS_OPTIONS) private readonly options: ResolvedWebhooksOptions,
  ) {
    this.fetcher = new SafeFetcher({
      userAgent: options.userAgent,
      policy: createNetworkPolicy({
        allowPrivateNetworks: options.allowPrivateNetworks,
        allowedNetworks: options.allowedNetworks,
      }),
      connectTimeoutMs: Math.min(options.timeoutMs, 10000),
      headersTimeoutMs: options.timeoutMs,
    });
  }

  async send(delivery: DeliveryJobData, secrets: readonly string[]): Promise<SendOutcome> {
    try {
      const response = await this.fetcher.fetch(delivery.url, {
        signal: new AbortController().signal,
        timeoutMs: this.options.timeoutMs,
        maxBytes: RESPONSE_READ_LIMIT,
        overflow: 'truncate',
        method: 'POST',
        body: delivery.body,
        followRedirects: false,
        shouldReadBody: () => true,
        headers: {
          'content-type': 'application/json',
          'accept-encoding': 'identity',
          [SIGNATURE_HEADER]: signatureHeader(secrets, delivery.body),
          [EVENT_ID_HEADER]: delivery.eventId,
          [EVENT_HEADER]: `job.${delivery.event}`,
        },
      });
      const status = response.status;
      if (status >= 200 && status < 300)
        return { delivered: true, statusCode: status, errorCode: null, permanent: false };
      return {
        delivered: false,
        statusCode: status,
        errorCode: status >= 300 && status < 400 ? 'redirect' : 'http_status',
        permanent: false,
      };
    } catch (error) {
      const code = error instanceof CrawlError ? error.code : 'network';
      return {
        delivered: false,
        statusCode: null,
        errorCode: code,
        permanent: code === 'ssrf_blocked' || code === 'invalid_url',
      };
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.fetcher.close();
  }
}
