import { SchedulerMessages } from '../scheduler.messages';

/** Creating a schedule would exceed `maxSchedules`; the request is valid but cannot be honoured now. */
export class ScheduleLimitError extends Error {
  constructor(readonly maxSchedules: number) {
    super(SchedulerMessages.limitReached(maxSchedules));
    this.name = 'ScheduleLimitError';
  }
}
