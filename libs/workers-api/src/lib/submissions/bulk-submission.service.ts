import { ForbiddenException, HttpStatus, Injectable } from '@nestjs/common';
import { Principal } from '@riptide/auth';
import { JobSubmission, JobValidationError, QueueService } from '@riptide/queue';
import { ApiErrorBody, errorBody, toErrorBody } from '../errors/api-exception.filter';
import { createValidationPipe } from '../http/validation.pipe';
import { toWireName } from '../jobs/job-type.wire';
import type { BulkItemResultDto, BulkSubmitResponseDto } from '../jobs/bulk-submit.dto';
import { SubmissionGate } from './submission-gate.service';
import { WebhookSubmission } from '../webhooks/webhook-submission.service';
import { readSubmission } from './submission-wire.util';
import type { ReplyHeaders } from '../http/reply-headers.interface';

const itemError = (exception: unknown): ApiErrorBody => toErrorBody(exception);

/**
 * `POST /workers/jobs/bulk` (SPEC §7): every item checked on its own exactly as a single
 * submission would be (the same DTO pipe, wire mapping, gate and queue validation), then the
 * accepted ones submitted together in a handful of Redis round trips.
 */
@Injectable()
export class BulkSubmission {
  private readonly pipe = createValidationPipe();

  constructor(
    private readonly queue: QueueService,
    private readonly gate: SubmissionGate,
    private readonly webhooks: WebhookSubmission,
  ) {}

  async submit(
    items: Record<string, unknown>[],
    caller: Principal,
    reply: ReplyHeaders,
    idFor: (n: number) => string,
  ): Promise<BulkSubmitResponseDto> {
    const results: BulkItemResultDto[] = new Array(items.length);
    const accepted: { index: number; submission: JobSubmission }[] = [];
    // Checked together: an item with a webhook may wait on DNS (up to a deadline), and a bulk's
    // items then wait on it once, not one after another.
    const checks = await Promise.all(items.map((item) => this.check(item, caller)));
    checks.forEach((checked, index) => {
      if ('error' in checked) results[index] = { index, error: checked.error };
      else accepted.push({ index, submission: checked.submission });
    });
    // Each item is one submission against the rate limit; the budget takes as many as it holds.
    const granted = accepted.length
      ? await this.gate.takeRate(caller, reply, accepted.length, true)
      : 0;
    for (const { index } of accepted.slice(granted))
      results[index] = {
        index,
        error: errorBody(
          HttpStatus.TOO_MANY_REQUESTS,
          "Rate limit exceeded: this item was over the key's submission budget; retry it later",
        ),
      };
    const sent = accepted.slice(0, granted);
    await this.webhooks.prepare(sent.map((item) => item.submission));
    if (sent.length) {
      const outcomes = await this.queue.submitBulk(
        sent.map((item) => item.submission),
        toWireName,
        {
          maxActiveJobs: this.gate.maxActiveJobs(caller),
          jobIds: sent.map((item) => idFor(item.index)),
        },
      );
      for (const outcome of outcomes) {
        const index = sent[outcome.index].index;
        results[index] =
          'error' in outcome
            ? { index, error: itemError(outcome.error) }
            : { index, job_id: outcome.jobId, status: 'submitted' };
      }
    }
    const submitted = results.filter((result) => result.job_id !== undefined).length;
    return { submitted, failed: results.length - submitted, jobs: results };
  }

  /** One item, as POST /workers/jobs would check it: a submission, or the error it would answer. */
  private async check(
    item: Record<string, unknown>,
    caller: Principal,
  ): Promise<{ submission: JobSubmission } | { error: ApiErrorBody }> {
    const { submission, problems } = await readSubmission(
      this.pipe,
      this.queue,
      item,
      caller.tenant,
      this.webhooks,
    );
    const refusal = this.gate.refusal(caller, submission.jobType?.type, submission.priority);
    if (refusal) return { error: itemError(new ForbiddenException(refusal)) };
    // Every problem of the item at once; an item without any left is checked by submitBulk itself.
    if (problems.length) return { error: itemError(new JobValidationError(problems)) };
    return { submission };
  }
}
