import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@riptide/auth';
import {
  DEFAULT_WORKERS_API_OPTIONS,
  WORKERS_API_OPTIONS,
  WorkersApiOptions,
} from '../workers-api-options.interface';
import { WorkersApiMessages } from '../workers-api.messages';
import { EventStreamsFullError } from '../errors/event-streams-full.error';

/**
 * Caps the event streams this process holds open: in all (then 503), and per API key (then 429;
 * the admin key is exempt, as from the other limits). Each stream holds a socket and a follower
 * for as long as the client stays, so the caps bound what clients can make a process keep.
 */
@Injectable()
export class EventStreamLimits {
  private total = 0;
  private readonly perKey = new Map<string, number>();
  private readonly max: number;
  private readonly maxPerKey: number;

  constructor(@Inject(WORKERS_API_OPTIONS) options: WorkersApiOptions) {
    const resolved = { ...DEFAULT_WORKERS_API_OPTIONS, ...options };
    this.max = resolved.sseMaxConnections;
    this.maxPerKey = resolved.sseMaxConnectionsPerKey;
  }

  /** Takes a place for one stream of `caller`; call the returned function once when it ends. */
  acquire(caller: Principal): () => void {
    if (this.total >= this.max) throw new EventStreamsFullError(this.max);
    const key = caller.admin ? null : (caller.keyId ?? `tenant:${caller.tenant}`);
    const held = key === null ? 0 : (this.perKey.get(key) ?? 0);
    if (key !== null && held >= this.maxPerKey)
      throw new HttpException(
        WorkersApiMessages.tooManyStreamsForKey(this.maxPerKey),
        HttpStatus.TOO_MANY_REQUESTS,
      );
    this.total += 1;
    if (key !== null) this.perKey.set(key, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total -= 1;
      if (key === null) return;
      const left = (this.perKey.get(key) ?? 1) - 1;
      if (left > 0) this.perKey.set(key, left);
      else this.perKey.delete(key);
    };
  }

  /** Streams open in this process. */
  get open(): number {
    return this.total;
  }
}
