import { JOB_PRIORITIES, JobPriority } from './job.interface';

/** Bull runs lower numbers first; 0 would mean "no priority" and break FIFO, so we start at 1. */
const BULL_PRIORITY: Record<JobPriority, number> = { Critical: 1, High: 2, Normal: 3, Low: 4 };

export function toBullPriority(priority: JobPriority): number {
  return BULL_PRIORITY[priority];
}

export function fromBullPriority(value: number): JobPriority {
  return (
    (Object.keys(BULL_PRIORITY) as JobPriority[]).find((p) => BULL_PRIORITY[p] === value) ??
    'Normal'
  );
}

/** Accepts any case ("high", "HIGH"); returns undefined for anything else. */
export function parsePriority(input: string): JobPriority | undefined {
  const lower = input.toLowerCase();
  return JOB_PRIORITIES.find((p) => p.toLowerCase() === lower);
}
