import { SchedulerMessages } from '../scheduler.messages';

/** A schedule definition is invalid; `problems` lists every problem found. */
export class ScheduleValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(SchedulerMessages.invalidSchedule(problems));
    this.name = 'ScheduleValidationError';
  }
}
