import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirInUseError } from './data-dir-in-use.error';
import { DataDirLock, HOST_LOCK_FILE, parseHostLock } from './data-dir-lock';
import { identityOf } from './process-identity.util';

describe('DataDirLock', () => {
  const folder = () => mkdtempSync(join(tmpdir(), 'rt-lock-'));
  const lockOf = (dir: string) => parseHostLock(readFileSync(join(dir, HOST_LOCK_FILE), 'utf8'));
  /** A pid that no process has any more. */
  const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid;

  it('holds a free folder with this process as owner, records the port, and frees it on release', () => {
    const dir = folder();
    const lock = DataDirLock.acquire(dir);
    expect(lockOf(dir)).toEqual({ host: identityOf(process.pid) });
    lock.recordPort(6399);
    expect(lockOf(dir)).toEqual({ host: identityOf(process.pid), port: 6399 });
    lock.release();
    expect(existsSync(join(dir, HOST_LOCK_FILE))).toBe(false);
  });

  it('refuses a folder whose owner still runs, naming the folder, the owner and its port', async () => {
    const dir = folder();
    const owner = spawn('sleep', ['30']);
    try {
      await new Promise((resolve) => owner.once('spawn', resolve));
      writeFileSync(
        join(dir, HOST_LOCK_FILE),
        JSON.stringify({ host: identityOf(owner.pid!), port: 6400 }),
      );
      expect(() => DataDirLock.acquire(dir)).toThrow(DataDirInUseError);
      expect(() => DataDirLock.acquire(dir)).toThrow(
        `The data folder ${dir} is in use by another RipTide host (pid ${owner.pid}, its redis-server on 127.0.0.1:6400)`,
      );
    } finally {
      owner.kill('SIGKILL');
    }
  });

  it('refuses a folder this very process holds already', () => {
    const dir = folder();
    const lock = DataDirLock.acquire(dir);
    expect(() => DataDirLock.acquire(dir)).toThrow(DataDirInUseError);
    lock.release();
  });

  it.each([
    ['a host that is gone', () => JSON.stringify({ host: { pid: deadPid() } })],
    [
      'a pid that now belongs to another process',
      () => JSON.stringify({ host: { pid: process.ppid, startTime: '1' } }),
    ],
    [
      'a previous life of this pid',
      () => JSON.stringify({ host: { pid: process.pid, startTime: '1' } }),
    ],
    ['a file that is not a lock', () => 'not json'],
  ])('takes over the lock of %s', (_, content) => {
    const dir = folder();
    writeFileSync(join(dir, HOST_LOCK_FILE), content());
    const lock = DataDirLock.acquire(dir);
    expect(lockOf(dir)).toEqual({ host: identityOf(process.pid) });
    lock.release();
  });
});

describe('parseHostLock', () => {
  it('reads what a host writes', () => {
    expect(parseHostLock('{"host":{"pid":12,"startTime":"345"},"port":6379}')).toEqual({
      host: { pid: 12, startTime: '345' },
      port: 6379,
    });
    expect(parseHostLock('{"host":{"pid":12}}')).toEqual({ host: { pid: 12 } });
  });

  it.each([
    '',
    '{',
    'null',
    '{"host":{}}',
    '{"host":{"pid":0}}',
    '{"host":{"pid":1.5}}',
    '{"host":{"pid":"12"}}',
  ])('reads %p as no lock', (text) => {
    expect(parseHostLock(text)).toBeUndefined();
  });
});
