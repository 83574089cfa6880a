import { ConsoleLogger } from '@nestjs/common';
import { jobLogLine } from './job-log-line.util';

const jobId = '3f0c3a52-8d3e-4b6f-9a55-0d1d7d0c9b11';

describe('jobLogLine', () => {
  it('writes the end of a job at info with its id, type, status and duration', () => {
    const { level, entry } = jobLogLine({
      kind: 'completed',
      jobId,
      jobType: 'batch_crawl',
      durationMs: 1234,
    });
    expect(level).toBe('log');
    expect({ ...entry }).toEqual({
      msg: `job ${jobId} (batch_crawl) Completed in 1234 ms`,
      event: 'completed',
      jobId,
      jobType: 'batch_crawl',
      status: 'Completed',
      durationMs: 1234,
    });
    expect(jobLogLine({ kind: 'cancelled', jobId, jobType: 'custom' })).toMatchObject({
      level: 'log',
      entry: { status: 'Cancelled' },
    });
  });

  it('writes a failed end at warn, with the error', () => {
    const { level, entry } = jobLogLine({
      kind: 'dead_letter',
      jobId,
      jobType: 'single_crawl',
      durationMs: 5,
      error: 'Network error: the host name could not be resolved',
    });
    expect(level).toBe('warn');
    expect(entry).toMatchObject({
      msg: `job ${jobId} (single_crawl) DeadLetter after 5 ms: Network error: the host name could not be resolved`,
      status: 'DeadLetter',
    });
  });

  it('keeps the steps before the end at debug', () => {
    expect(jobLogLine({ kind: 'submitted', jobId, jobType: 'custom' }).level).toBe('debug');
    expect(jobLogLine({ kind: 'started', jobId, jobType: 'custom', waitMs: 3 }).level).toBe(
      'debug',
    );
    expect(
      jobLogLine({ kind: 'retrying', jobId, jobType: 'custom', durationMs: 3, error: 'boom' })
        .level,
    ).toBe('debug');
  });

  it("is one line in Nest's own console logger, not an object dump", () => {
    const written: string[] = [];
    const spy = jest
      .spyOn(process.stdout, 'write')
      .mockImplementation((chunk: string | Uint8Array) => {
        written.push(String(chunk));
        return true;
      });
    try {
      new ConsoleLogger('Jobs', { colors: false }).log(
        jobLogLine({ kind: 'completed', jobId, jobType: 'custom', durationMs: 7 }).entry,
      );
    } finally {
      spy.mockRestore();
    }
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(
      new RegExp(`LOG \\[Jobs\\] job ${jobId} \\(custom\\) Completed in 7 ms\\n$`),
    );
    expect(written[0].split('\n')).toHaveLength(2);
  });
});
