/** The job's status does not allow the requested action (cancel a finished job, replay a live one). */
export class JobStateConflictError extends Error {
  constructor(
    readonly jobId: string,
    readonly status: string,
    message: string,
  ) {
    super(message);
    this.name = 'JobStateConflictError';
  }
}
