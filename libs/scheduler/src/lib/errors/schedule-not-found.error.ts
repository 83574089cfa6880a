import { SchedulerMessages } from '../scheduler.messages';

/** No schedule has this id (or it was deleted). */
export class ScheduleNotFoundError extends Error {
  constructor(readonly scheduleId: string) {
    super(SchedulerMessages.scheduleNotFound(scheduleId));
    this.name = 'ScheduleNotFoundError';
  }
}
