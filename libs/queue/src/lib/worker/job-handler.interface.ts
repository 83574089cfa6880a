import { JobType, JobTypeName, JsonObject, JsonValue } from '../model/job.interface';

/** What a handler knows about the attempt it runs. */
export interface JobContext {
  jobId: string;
  /** The job's owner: work done for it (caches, quotas, logs) is kept to this tenant. */
  tenant: string;
  /** 1 for the first execution. */
  attempt: number;
  maxAttempts: number;
  /** Fires at the job's deadline, on cancel and on shutdown: stop work and reject promptly. */
  signal: AbortSignal;
  /** When this attempt times out (epoch ms): work that cannot finish by then is not worth starting. */
  deadline: number;
  metadata: JsonObject;
  workerId: string;
  /** Records progress (a percentage or any JSON) visible in the job status. */
  reportProgress(progress: JsonValue): Promise<void>;
}

/** Runs one built-in job type; returns the result data (any JSON). */
export type JobTypeHandler<J extends JobType = JobType> = (
  job: J,
  context: JobContext,
) => Promise<unknown>;

/** Runs one custom job_name with its payload. */
export type CustomJobHandlerFn = (
  payload: JsonValue | undefined,
  context: JobContext,
) => Promise<unknown>;

/** Built-in types with their own handler; `custom` is dispatched by job_name. */
export type HandledJobTypeName = Exclude<JobTypeName, 'custom'>;

export type JobHandlerTarget =
  { kind: 'type'; type: HandledJobTypeName } | { kind: 'custom'; jobName: string };
