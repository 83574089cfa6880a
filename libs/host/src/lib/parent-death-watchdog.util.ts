import { spawn } from 'node:child_process';

/** Stops watching; the watched process is left alone. */
export interface ParentDeathWatchdog {
  disarm(): void;
}

/**
 * Makes `pid` (a child in its own process group, out of reach of the terminal's Ctrl-C) receive
 * SIGTERM when this process dies, even by SIGKILL, when no handler of ours can run. Node has no
 * PR_SET_PDEATHSIG, so a tiny shell does it: its stdin is a pipe from us that nothing is ever
 * written to, and the kernel closes that pipe when we die, however we die. SIGCONT follows in
 * case the server was stopped. The shell is a sibling of the server, not its parent, so that we
 * still see the server's own exit (to restart it) and signal it directly.
 */
export function watchForParentDeath(pid: number): ParentDeathWatchdog {
  const watchdog = spawn(
    '/bin/sh',
    [
      '-c',
      'read -r _; kill -TERM "$1" 2>/dev/null; kill -CONT "$1" 2>/dev/null',
      'riptide-watchdog',
      String(pid),
    ],
    {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
    },
  );
  watchdog.on('error', () => undefined);
  watchdog.stdin?.on('error', () => undefined);
  // Neither the shell nor its pipe may keep this process alive.
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return {
    disarm: () => {
      if (watchdog.exitCode === null && watchdog.signalCode === null) watchdog.kill('SIGKILL');
    },
  };
}
