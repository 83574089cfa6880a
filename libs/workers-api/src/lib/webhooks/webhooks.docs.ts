import type { ApiParamOptions } from '@nestjs/swagger';
import {
  WebhookSubscriptionLimitError,
  WebhookSubscriptionNotFoundError,
  MAX_SUBSCRIPTIONS_PER_TENANT,
  WebhooksMessages,
} from '@riptide/webhooks';
import { EXAMPLE_SUBSCRIPTION_ID } from './webhook.dto';

/* Examples and error causes of the webhook routes; messages come from the code that sends them. */

export const SUBSCRIPTION_ID_PARAM: ApiParamOptions = {
  name: 'id',
  description: 'The id POST /workers/webhooks answered',
  example: EXAMPLE_SUBSCRIPTION_ID,
};

export const SUBSCRIPTION_EXAMPLES = {
  terminal: {
    summary: "Every job's terminal events",
    value: { url: 'https://hooks.example.com/riptide' },
  },
  progress_of_reports: {
    summary: 'Progress and completion of one custom job type',
    value: {
      url: 'https://hooks.example.com/reports',
      events: ['progress', 'completed'],
      job_types: ['custom:report'],
    },
  },
};

export const SUBSCRIPTION_INVALID = {
  bad_url: ['url must use http or https'],
  private_target: [`url ${WebhooksMessages.privateTarget}`],
  unknown_event: [
    'events must each be one of: completed, failed, dead_letter, cancelled, retrying, progress',
  ],
};

export const SUBSCRIPTION_LIMIT = new WebhookSubscriptionLimitError(MAX_SUBSCRIPTIONS_PER_TENANT)
  .message;
export const SUBSCRIPTION_NOT_FOUND = new WebhookSubscriptionNotFoundError(EXAMPLE_SUBSCRIPTION_ID)
  .message;
