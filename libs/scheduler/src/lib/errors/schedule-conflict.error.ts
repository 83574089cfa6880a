import { SchedulerMessages } from '../scheduler.messages';

/** A schedule kept changing under an update (other writers won every retry); try again. */
export class ScheduleConflictError extends Error {
  constructor(readonly scheduleId: string) {
    super(SchedulerMessages.updateConflict(scheduleId));
    this.name = 'ScheduleConflictError';
  }
}
