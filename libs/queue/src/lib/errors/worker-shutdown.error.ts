/** The worker process is stopping; the running attempt is handed back to the queue, not failed. */
export class WorkerShutdownError extends Error {
  constructor() {
    super('Worker is shutting down; the job is handed back to the queue');
    this.name = 'WorkerShutdownError';
  }
}
