import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { ResolvedSchedulerOptions } from './scheduler-options.interface';
import { RESOLVED_SCHEDULER_OPTIONS } from './scheduler.constants';
import { SchedulerService } from './scheduler.service';
import { SlotFirer } from './slot-firer.service';

/** How often claims left behind by a dead process are looked for. */
const RECOVERY_EVERY_MS = 1000;
/** Shortest pause between two looks, so a slot that cannot be claimed never spins the loop. */
const MIN_PAUSE_MS = 5;
/** A due slot unfired for this long means no process is firing schedules. */
export const OVERDUE_UNHEALTHY_MS = 30_000;

/** What checkHealth reports; shaped for a Terminus indicator (no secrets). */
export interface SchedulerHealth {
  healthy: boolean;
  details: Record<string, string | number | boolean | null>;
}

/**
 * The fire loop of a process where `enabled` is true. Every such process runs it; the atomic
 * claim in SlotFirer makes sure each slot fires once however many do. The loop wakes at
 * the earliest due slot (or every `tickMs` to notice schedules created elsewhere).
 */
@Injectable()
export class ScheduleRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ScheduleRunner');
  private running: Promise<void> | null = null;
  private stopped = false;
  private wake: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastRecovery = 0;
  private lastWarning = 0;

  constructor(
    @Inject(RESOLVED_SCHEDULER_OPTIONS) private readonly options: ResolvedSchedulerOptions,
    private readonly scheduler: SchedulerService,
    private readonly firer: SlotFirer,
  ) {}

  /** True while this process fires schedules. */
  get isRunning(): boolean {
    return this.running !== null && !this.stopped;
  }

  /**
   * Healthy when Redis answers, this process fires schedules if it should, and no enabled
   * schedule is more than 30 s past its slot (which would mean no process fires them).
   */
  async checkHealth(): Promise<SchedulerHealth> {
    const firesHere = this.options.enabled;
    try {
      const { schedules, earliestDue } = await this.scheduler.stats();
      const overdueMs = earliestDue === null ? 0 : Math.max(0, Date.now() - earliestDue);
      const healthy = overdueMs < OVERDUE_UNHEALTHY_MS && (!firesHere || this.isRunning);
      return {
        healthy,
        details: {
          schedules,
          fires_here: firesHere,
          running: this.isRunning,
          overdue_ms: overdueMs,
        },
      };
    } catch (error) {
      return {
        healthy: false,
        details: {
          fires_here: firesHere,
          running: this.isRunning,
          message: (error as Error).message,
        },
      };
    }
  }

  onApplicationBootstrap(): void {
    if (!this.options.enabled) return;
    this.stopped = false;
    this.running = this.loop();
  }

  /** Stops taking slots before the queue closes; a fire in progress finishes first. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    await this.running;
    this.running = null;
  }

  private async loop(): Promise<void> {
    await this.firer.reconcile().catch((error: unknown) => this.warn('reconcile', error));
    while (!this.stopped) {
      try {
        await this.firer.fireDue();
        if (Date.now() - this.lastRecovery >= RECOVERY_EVERY_MS) {
          this.lastRecovery = Date.now();
          await this.firer.recoverClaims();
        }
      } catch (error) {
        this.warn('fire', error);
      }
      if (this.stopped) break;
      await this.sleep(await this.pause());
    }
  }

  private async pause(): Promise<number> {
    try {
      const earliest = await this.firer.earliestDue();
      if (earliest === null) return this.options.tickMs;
      return Math.min(this.options.tickMs, Math.max(MIN_PAUSE_MS, earliest - Date.now()));
    } catch {
      return this.options.tickMs;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
    });
  }

  /** At most one warning a minute while Redis is away, not one per tick. */
  private warn(what: string, error: unknown): void {
    if (Date.now() - this.lastWarning < 60_000) return;
    this.lastWarning = Date.now();
    this.logger.warn(`scheduler ${what} failed: ${(error as Error)?.message ?? String(error)}`);
  }
}
