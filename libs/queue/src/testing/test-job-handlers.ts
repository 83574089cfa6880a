import { DynamicModule, Injectable, Module, OnModuleInit } from '@nestjs/common';
import type Redis from 'ioredis';
import { JOB_HANDLER_METADATA, RIPTIDE_QUEUE_NAME } from '../lib/queue.constants';
import { QueueKeys } from '../lib/redis/queue-keys';
import { createRedis } from '@riptide/redis';
import type { JobHandlerTarget } from '../lib/worker/job-handler.interface';
import {
  BatchCrawlJob,
  CustomJobHandler,
  JobContext,
  JobHandler,
  JsonValue,
  MaintenanceJob,
  NonRetryableJobError,
  PdfExtractionJob,
  RetryLaterError,
  SingleCrawlJob,
} from '../index';

/** One execution as recorded by the test handlers, readable from any process. */
export interface ExecutionRecord {
  jobId: string;
  /** The tenant the worker was told the job belongs to (JobContext.tenant). */
  tenant: string;
  jobName: string;
  attempt: number;
  at: number;
  pid: number;
  workerId: string;
  tag?: string;
}

/** Redis list where the test handlers log executions (per test prefix). */
export const executionLogKey = (prefix: string): string => `${prefix}:test:executions`;

export async function readExecutions(url: string, prefix: string): Promise<ExecutionRecord[]> {
  const client = createRedis(url, 'worker', 'riptide-test-executions');
  try {
    return (await client.lrange(executionLogKey(prefix), 0, -1)).map(
      (line) => JSON.parse(line) as ExecutionRecord,
    );
  } finally {
    client.disconnect();
  }
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    });
  });

export class TestJobHandlersOptions {
  redisUrl!: string;
  prefix!: string;
  /** Also register StandInBuiltInHandlers. Default true. */
  builtIns?: boolean;
  /**
   * Record the test job types as handled on the queue at init, as a worker with these handlers
   * does, so that a producer-only test app may submit them. Default true.
   */
  declareHandled?: boolean;
}

/**
 * Records job types (`echo` is `custom:echo`) as handled on the queue under `prefix`, as a worker
 * with those handlers does when it starts: for tests that submit jobs no worker of theirs runs.
 */
export async function declareHandledJobTypes(
  url: string,
  prefix: string,
  types: string[],
): Promise<void> {
  const client = createRedis(url, 'worker', 'riptide-test-handled-types');
  try {
    await client.sadd(new QueueKeys(prefix, RIPTIDE_QUEUE_NAME).handledTypes, ...types);
  } finally {
    client.disconnect();
  }
}

/** The job types the decorated methods of a handler class handle, as recorded in Redis. */
function handledTypesOf(handlers: { prototype: object }): string[] {
  return Object.getOwnPropertyNames(handlers.prototype).flatMap((method) => {
    const fn = (handlers.prototype as Record<string, unknown>)[method];
    const targets =
      typeof fn === 'function'
        ? ((Reflect.getMetadata(JOB_HANDLER_METADATA, fn) as JobHandlerTarget[] | undefined) ?? [])
        : [];
    return targets.map((target) =>
      target.kind === 'type' ? target.type : `custom:${target.jobName}`,
    );
  });
}

type Payload = { ms?: number; failures?: number; tag?: string; value?: JsonValue } | undefined;

/**
 * Custom job handlers for queue tests: echo, sleep (honours the signal), stubborn-sleep
 * (ignores it), fail (retryable), fail-permanently, fail-with-details (a structured failure),
 * flaky (fails the first N attempts).
 */
@Injectable()
export class TestJobHandlers implements OnModuleInit {
  private readonly redis: Redis;

  constructor(private readonly options: TestJobHandlersOptions) {
    this.redis = createRedis(options.redisUrl, 'worker', 'riptide-test-handlers');
  }

  async onModuleInit(): Promise<void> {
    if (this.options.declareHandled === false) return;
    const types = handledTypesOf(TestJobHandlers);
    if (this.options.builtIns !== false) types.push(...handledTypesOf(StandInBuiltInHandlers));
    await this.redis.sadd(
      new QueueKeys(this.options.prefix, RIPTIDE_QUEUE_NAME).handledTypes,
      ...types,
    );
  }

  private async log(context: JobContext, jobName: string, payload: Payload): Promise<void> {
    const record: ExecutionRecord = {
      jobId: context.jobId,
      tenant: context.tenant,
      jobName,
      attempt: context.attempt,
      at: Date.now(),
      pid: process.pid,
      workerId: context.workerId,
      tag: payload?.tag,
    };
    await this.redis.rpush(executionLogKey(this.options.prefix), JSON.stringify(record));
  }

  @CustomJobHandler('echo')
  async echo(payload: Payload, context: JobContext) {
    await this.log(context, 'echo', payload);
    return { echoed: payload ?? null, attempt: context.attempt };
  }

  @CustomJobHandler('sleep')
  async sleep(payload: Payload, context: JobContext) {
    await this.log(context, 'sleep', payload);
    await context.reportProgress(10);
    await sleep(payload?.ms ?? 1000, context.signal);
    return { slept: payload?.ms ?? 1000 };
  }

  @CustomJobHandler('stubborn-sleep')
  async stubbornSleep(payload: Payload, context: JobContext) {
    await this.log(context, 'stubborn-sleep', payload);
    await new Promise((resolve) => setTimeout(resolve, payload?.ms ?? 1000));
    return { slept: payload?.ms ?? 1000 };
  }

  @CustomJobHandler('fail')
  async fail(payload: Payload, context: JobContext): Promise<never> {
    await this.log(context, 'fail', payload);
    throw new Error(`boom on attempt ${context.attempt}`);
  }

  @CustomJobHandler('retry-later')
  async retryLater(payload: Payload, context: JobContext) {
    await this.log(context, 'retry-later', payload);
    if (context.attempt === 1) throw new RetryLaterError('come back later', payload?.ms ?? 1000);
    return { succeededOnAttempt: context.attempt };
  }

  @CustomJobHandler('fail-permanently')
  async failPermanently(payload: Payload, context: JobContext): Promise<never> {
    await this.log(context, 'fail-permanently', payload);
    throw new NonRetryableJobError('input can never work');
  }

  /** Fails for good with the payload's tag as its message and a code and data beside it. */
  @CustomJobHandler('fail-with-details')
  async failWithDetails(payload: Payload, context: JobContext): Promise<never> {
    await this.log(context, 'fail-with-details', payload);
    throw new NonRetryableJobError(payload?.tag ?? 'failed with details', {
      errorCode: 'test_details',
      data: payload?.value ?? null,
    });
  }

  @CustomJobHandler('flaky')
  async flaky(payload: Payload, context: JobContext) {
    await this.log(context, 'flaky', payload);
    if (context.attempt <= (payload?.failures ?? 1))
      throw new Error(`flaky failure ${context.attempt}`);
    return { succeededOnAttempt: context.attempt };
  }

  async onModuleDestroy(): Promise<void> {
    this.redis.disconnect();
  }
}

/**
 * Stand-ins for the built-in job types, for queue tests that run without the crawl processors:
 * each answers with a description of the job it got.
 */
@Injectable()
export class StandInBuiltInHandlers {
  @JobHandler('batch_crawl')
  async batch(job: BatchCrawlJob) {
    return { handled: job.type, urls: job.urls.length };
  }

  @JobHandler('single_crawl')
  async single(job: SingleCrawlJob) {
    return { handled: job.type, url: job.url };
  }

  @JobHandler('pdf_extraction')
  async pdf(job: PdfExtractionJob) {
    return { handled: job.type };
  }

  @JobHandler('maintenance')
  async maintenance(job: MaintenanceJob) {
    return { handled: job.type, task: job.taskType };
  }
}

/** Registers TestJobHandlers (and, unless `builtIns: false`, the built-in stand-ins). */
@Module({})
export class TestJobHandlersModule {
  static register(options: TestJobHandlersOptions): DynamicModule {
    return {
      module: TestJobHandlersModule,
      providers: [
        { provide: TestJobHandlersOptions, useValue: options },
        TestJobHandlers,
        ...(options.builtIns === false ? [] : [StandInBuiltInHandlers]),
      ],
    };
  }
}
