import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health/health.controller';
import { JobsController } from './jobs/jobs.controller';
import { JobEventsController } from './events/job-events.controller';
import { EventStreamLimits } from './events/event-stream-limits.service';
import { IdempotencyStore } from './idempotency/idempotency.store';
import { IdempotentRequests } from './idempotency/idempotent-requests.service';
import { ApiKeysController } from './keys/api-keys.controller';
import { BulkSubmission } from './submissions/bulk-submission.service';
import { SubmissionGate } from './submissions/submission-gate.service';
import { WORKERS_API_OPTIONS, WorkersApiOptions } from './workers-api-options.interface';
import { MetricsController } from './metrics/metrics.controller';
import { PrometheusController } from './prometheus/prometheus.controller';
import { SchedulesController } from './schedules/schedules.controller';
import { StatsController } from './stats/stats.controller';
import { WebhookSubmission } from './webhooks/webhook-submission.service';
import { WebhooksController } from './webhooks/webhooks.controller';

/**
 * The REST API of SPEC §3 and the key management of §6: jobs (`/workers/jobs`), queue stats
 * (`/workers/stats`), API keys (`/admin/keys`); with `forRoot({ schedules: true })`, schedules
 * (`/workers/schedule`); with `forRoot({ metrics: true })`, metrics (`/workers/metrics`,
 * `/workers/stats/workers`, Prometheus `/metrics`) and Terminus health (`/health`, `/health/live`);
 * with `forRoot({ webhooks: true })`, webhook subscriptions and the signing secret (`/workers/webhooks`);
 * with `forRoot({ events: true })`, live job events over server-sent events
 * (`/workers/jobs/:job_id/events`, `/workers/events`).
 *
 * Needs in the application:
 * - a global QueueModule (submission, reads, the idempotency store's Redis);
 * - a global AuthModule (every route is guarded by its scope; the key routes and the submission
 *   rate limits use its services);
 * - a global SchedulerModule only with `schedules: true`;
 * - a global MetricsModule only with `metrics: true`;
 * - a global WebhooksModule with `webhooks: true` (without it, a submission's `webhook` is refused).
 *
 * Its controllers carry their own validation pipe and the exception filter that gives every error
 * the same JSON shape; nothing is installed globally, so the application's own routes answer as
 * they would without it. A host that wants the same error shape for unknown routes and body-parser
 * errors installs ApiExceptionFilter globally itself.
 */
@Module({
  controllers: [JobsController, StatsController, ApiKeysController],
  providers: [
    IdempotencyStore,
    IdempotentRequests,
    SubmissionGate,
    BulkSubmission,
    WebhookSubmission,
  ],
})
export class WorkersApiModule {
  /** The module with options (idempotency TTL, schedule and metrics routes); imported bare, every option takes its default. */
  static forRoot(options: WorkersApiOptions = {}): DynamicModule {
    return {
      module: WorkersApiModule,
      // The health controller runs its checks through Terminus; the indicators come from MetricsModule.
      imports: options.metrics ? [TerminusModule.forRoot({ errorLogStyle: 'json' })] : [],
      controllers: [
        ...(options.metrics ? [MetricsController, PrometheusController, HealthController] : []),
        ...(options.schedules ? [SchedulesController] : []),
        ...(options.webhooks ? [WebhooksController] : []),
        ...(options.events ? [JobEventsController] : []),
      ],
      providers: [
        { provide: WORKERS_API_OPTIONS, useValue: options },
        ...(options.events ? [EventStreamLimits] : []),
      ],
    };
  }
}
