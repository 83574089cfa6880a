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
