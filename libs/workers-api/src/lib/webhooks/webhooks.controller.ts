import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponse, CurrentPrincipal, Principal, RequireScope } from '@riptide/auth';
import { JobValidationError, describeUrlProblem } from '@riptide/queue';
import {
  MAX_WEBHOOK_URL_LENGTH,
  WebhookSecrets,
  WebhookSubscriptionLimitError,
  WebhookSubscriptionNotFoundError,
  WebhookSubscriptions,
  WebhookTargets,
} from '@riptide/webhooks';
import { ApiJsonBody, ApiOk, ApiStoreUnavailable } from '../docs/api-docs.decorators';
import { registerDomainError } from '../errors/api-exception.filter';
import { AcceptsJson } from '../http/accepts-json.decorator';
import { UseApiContract } from '../http/api-contract.decorator';
import {
  CreateWebhookSubscriptionDto,
  RotateSecretResponseDto,
  WebhookSubscriptionResponseDto,
} from './webhook.dto';
import {
  SUBSCRIPTION_EXAMPLES,
  SUBSCRIPTION_ID_PARAM,
  SUBSCRIPTION_INVALID,
  SUBSCRIPTION_LIMIT,
  SUBSCRIPTION_NOT_FOUND,
} from './webhooks.docs';

// A full subscription table is a 409: valid request, the tenant must delete one first.
registerDomainError(WebhookSubscriptionLimitError, HttpStatus.CONFLICT);
registerDomainError(WebhookSubscriptionNotFoundError, HttpStatus.NOT_FOUND);

/**
 * A tenant's standing webhook subscriptions and its signing secret. Everything is the caller's
 * tenant's own: another tenant's subscription id answers 404. Changes need `jobs:write` (they
 * decide where job data goes), reads `jobs:read`.
 */
@ApiTags('webhooks')
@ApiStoreUnavailable()
@Controller('workers/webhooks')
@UseApiContract()
export class WebhooksController {
  constructor(
    private readonly subscriptions: WebhookSubscriptions,
    private readonly secrets: WebhookSecrets,
    private readonly targets: WebhookTargets,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireScope('jobs:write')
  @AcceptsJson()
  @ApiOperation({
    summary: "Subscribe to the tenant's job events",
    description:
      "Every job of the tenant (of `job_types`, if given) POSTs the chosen events to `url`, signed with the tenant's secret. The answer carries `secret` only when this call created the tenant's secret.",
  })
  @ApiJsonBody(CreateWebhookSubscriptionDto, SUBSCRIPTION_EXAMPLES)
  @ApiOk(201, WebhookSubscriptionResponseDto, 'Subscribed')
  @ApiErrorResponse(400, 'Invalid subscription (every problem listed)', SUBSCRIPTION_INVALID)
  @ApiErrorResponse(409, 'The tenant already holds 20 subscriptions', { limit: SUBSCRIPTION_LIMIT })
  async create(
    @Body() body: CreateWebhookSubscriptionDto,
    @CurrentPrincipal() caller: Principal,
  ): Promise<WebhookSubscriptionResponseDto> {
    const shape = describeUrlProblem(body.url, MAX_WEBHOOK_URL_LENGTH);
    const target = shape ? null : await this.targets.problem(body.url);
    const problem = shape ?? target;
    if (problem) throw new JobValidationError([`url ${problem}`]);
    const subscription = await this.subscriptions.create(caller.tenant, {
      url: body.url,
      events: body.events,
      jobTypes: body.job_types,
    });
    const { secret, created } = await this.secrets.ensure(caller.tenant);
    return WebhookSubscriptionResponseDto.from(subscription, created ? secret : undefined);
  }

  @Get()
  @RequireScope('jobs:read')
  @ApiOperation({ summary: "The tenant's subscriptions, oldest first" })
  @ApiOk(
    200,
    [WebhookSubscriptionResponseDto],
    'Every subscription of the tenant (never the secret)',
  )
  async list(@CurrentPrincipal() caller: Principal): Promise<WebhookSubscriptionResponseDto[]> {
    const all = await this.subscriptions.list(caller.tenant);
    return all.map((subscription) => WebhookSubscriptionResponseDto.from(subscription));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScope('jobs:write')
  @ApiOperation({ summary: 'Remove a subscription; deliveries already queued still go out' })
  @ApiParam(SUBSCRIPTION_ID_PARAM)
  @ApiResponse({ status: 204, description: 'Removed; no body' })
  @ApiErrorResponse(404, "Unknown subscription (another tenant's answers the same)", {
    unknown: SUBSCRIPTION_NOT_FOUND,
  })
  async remove(@Param('id') id: string, @CurrentPrincipal() caller: Principal): Promise<void> {
    await this.subscriptions.remove(caller.tenant, id);
  }

  @Post('secret/rotate')
  @HttpCode(200)
  @RequireScope('jobs:write')
  @ApiOperation({
    summary: "Replace the tenant's signing secret",
    description:
      'Answers the new secret (shown only here). Until `previous_valid_until` every delivery carries a signature with each secret, so receivers can switch without missing one. The first call creates the secret: this is how a tenant whose only webhooks are on jobs obtains it.',
  })
  @ApiOk(200, RotateSecretResponseDto, 'The new secret')
  async rotate(@CurrentPrincipal() caller: Principal): Promise<RotateSecretResponseDto> {
    const rotated = await this.secrets.rotate(caller.tenant);
    return {
      secret: rotated.secret,
      previous_valid_until: rotated.previousValidUntil?.toISOString() ?? null,
    };
  }
}
