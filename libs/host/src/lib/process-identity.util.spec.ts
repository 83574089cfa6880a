import { spawnSync } from 'node:child_process';
import {
  identityOf,
  isProcessRunning,
  isSameProcessRunning,
  processName,
  processStartTime,
} from './process-identity.util';

describe('process identity', () => {
  const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid;

  it('tells a running process from one that has exited', () => {
    expect(isProcessRunning(process.pid)).toBe(true);
    expect(isProcessRunning(deadPid())).toBe(false);
    expect(isProcessRunning(0)).toBe(false);
    expect(isProcessRunning(-1)).toBe(false);
  });

  it('knows a process by its pid and start time, so a reused pid is another process', () => {
    expect(processStartTime(process.pid)).toMatch(/^\d+$/);
    expect(processName(process.pid)).toBeTruthy();
    expect(isSameProcessRunning(identityOf(process.pid))).toBe(true);
    expect(isSameProcessRunning({ pid: process.pid, startTime: '1' })).toBe(false);
    expect(isSameProcessRunning({ pid: process.pid })).toBe(true);
    expect(isSameProcessRunning({ pid: deadPid() })).toBe(false);
  });
});
