// bull 4 ships no types for its Lua script modules (lib/scripts/*.js, gathered by lib/scripts/index.js;
// not lib/scripts.js, its JavaScript helpers).
declare module 'bull/lib/scripts/index' {
  interface BullScriptModule {
    /** The ioredis command name bull calls, e.g. `moveToFinished`. */
    name: string;
    /** The Lua source with its includes inlined. */
    content: string;
    keys: number;
  }
  const scripts: Record<string, BullScriptModule>;
  export = scripts;
}

// bull 4's JavaScript helpers for its scripts (lib/scripts.js): the argument lists it passes, so
// that a script of ours standing in for one of bull's gets exactly what bull's would.
declare module 'bull/lib/scripts' {
  import type Bull from 'bull';
  const scripts: {
    /** bull's moveToFinished keys (9) then arguments (12). */
    moveToFinishedArgs(
      job: Bull.Job,
      val: string,
      propVal: 'returnvalue' | 'failedReason',
      shouldRemove: unknown,
      target: 'completed' | 'failed',
      ignoreLock: boolean,
      notFetch: boolean,
    ): (string | number | Buffer)[];
    /** bull's moveToDelayed keys (4) then arguments: the delayed-set score (JSON), id, token. */
    moveToDelayedArgs(
      queue: Bull.Queue,
      jobId: string,
      timestamp: number,
      ignoreLock: boolean,
    ): (string | number)[];
  };
  export = scripts;
}

// bull 4's backoff calculation (lib/backoffs.js): the wait before a retry, from the job's backoff
// option and the queue's strategies; -1 = no retry.
declare module 'bull/lib/backoffs' {
  const backoffs: {
    calculate(
      backoff: unknown,
      attemptsMade: number,
      customStrategies: unknown,
      err: Error,
      strategyOptions: unknown,
    ): number | Promise<number> | undefined;
  };
  export = backoffs;
}
