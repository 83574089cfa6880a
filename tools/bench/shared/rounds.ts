import Redis from 'ioredis';
import { readFileSync } from 'node:fs';
import { envInt, median } from './bench-redis';

/**
 * Rounds of a comparison: at least five, alternating the sides, so that a median means something on
 * a shared machine. BENCH_ROUNDS may ask for more (or fewer, for a quick look: the ratio then says
 * it is not a publishable figure).
 */
export const MIN_ROUNDS = 5;
export const benchRounds = (): number => envInt('BENCH_ROUNDS', MIN_ROUNDS);

/** Runs the sides of one round in an order that alternates from round to round. */
export async function alternating<T>(round: number, sides: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(sides.length);
  const order = sides.map((_, i) => (round % 2 === 0 ? i : sides.length - 1 - i));
  for (const i of order) results[i] = await sides[i]();
  return results;
}

/**
 * Rounds in which the baseline ran at under half of its own median: the machine was busy with
 * something else, so neither side's figure of that round says anything about the code.
 */
export function starvedRounds(baseline: number[]): number[] {
  const typical = median(baseline);
  return baseline.flatMap((value, round) => (value < typical / 2 ? [round] : []));
}

/**
 * The median ratio ours / baseline (higher is better) over the rounds whose baseline was not
 * starved, or the reason why no ratio is printed.
 */
export function ratioOfRounds(
  baseline: number[],
  ours: number[],
): { ratio?: number; note: string } {
  const starved = starvedRounds(baseline);
  if (starved.length)
    return {
      note: `no ratio: baseline starved in round(s) ${starved.map((r) => r + 1).join(', ')} (under half its median); rerun on a quiet machine`,
    };
  const ratio = median(ours.map((value, round) => value / baseline[round]));
  const rounds =
    ours.length < MIN_ROUNDS ? ` (only ${ours.length} rounds: not a publishable figure)` : '';
  return { ratio, note: `median of per-round ratios ${ratio.toFixed(2)}${rounds}` };
}

/** CPU seconds this process has used so far (user + system). */
export const processCpuSeconds = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

/** Linux's USER_HZ, the unit of the CPU times in /proc/<pid>/stat. */
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds another process has used so far (Linux /proc; NaN elsewhere or without a pid). */
export function processCpuSecondsOf(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th of them.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

/** CPU seconds the Redis server has used so far (INFO cpu), so a side's Redis work can be charged to it. */
export async function redisCpuSeconds(url: string): Promise<number> {
  const client = new Redis(url);
  try {
    const info = await client.info('cpu');
    const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? NaN);
    return field('used_cpu_user') + field('used_cpu_sys');
  } finally {
    client.disconnect();
  }
}

/**
 * With BENCH_REDIS_COMMANDS=1, prints the Redis commands a side issued per unit of work (calls and
 * µs of Redis time each, from INFO commandstats, reset before the side runs): where Redis CPU goes.
 */
export async function profileRedisCommands<T>(
  url: string,
  label: string,
  units: number,
  body: () => Promise<T>,
): Promise<T> {
  if (!process.env['BENCH_REDIS_COMMANDS']) return body();
  const client = new Redis(url);
  try {
    await client.config('RESETSTAT');
    const result = await body();
    const rows = [
      ...(await client.info('commandstats')).matchAll(/cmdstat_([^:]+):calls=(\d+),usec=(\d+)/g),
    ]
      .map(([, command, calls, usec]) => ({
        command,
        calls: Number(calls) / units,
        usec: Number(usec) / units,
      }))
      .filter((row) => row.calls >= 0.01)
      .sort((a, b) => b.usec - a.usec);
    console.log(`  ${label}: Redis commands per unit (calls, µs)`);
    for (const row of rows)
      console.log(
        `    ${row.command.padEnd(16)} ${row.calls.toFixed(2).padStart(7)} ${row.usec.toFixed(1).padStart(8)}`,
      );
    return result;
  } finally {
    client.disconnect();
  }
}

/** How many SLOWLOG entries profileRedisScripts keeps: enough for about 1,000 jobs' commands. */
const SCRIPT_PROFILE_ENTRIES = 200_000;

/**
 * With BENCH_REDIS_SCRIPTS=1, prints which Lua scripts a side's Redis time went to, per unit of
 * work: INFO commandstats lumps every script into `evalsha`, so this logs every command in SLOWLOG
 * (threshold 0) and groups the script calls by SHA, key count and first key (ids masked), which
 * tells one script from another. Logging every command slows Redis down: read the shares, not the
 * µs. Run it with few units (BENCH_JOBS=500): the log keeps the newest 200,000 entries.
 */
export async function profileRedisScripts<T>(
  url: string,
  label: string,
  units: number,
  body: () => Promise<T>,
): Promise<T> {
  if (!process.env['BENCH_REDIS_SCRIPTS']) return body();
  const client = new Redis(url);
  const [, threshold] = (await client.config('GET', 'slowlog-log-slower-than')) as string[];
  const [, length] = (await client.config('GET', 'slowlog-max-len')) as string[];
  try {
    await client.config('SET', 'slowlog-max-len', String(SCRIPT_PROFILE_ENTRIES));
    await client.config('SET', 'slowlog-log-slower-than', '0');
    await client.slowlog('RESET');
    const result = await body();
    // Stop logging before the log is read, so the reads are not in it.
    await client.config('SET', 'slowlog-log-slower-than', threshold);
    const entries = (await client.slowlog('GET', SCRIPT_PROFILE_ENTRIES)) as [
      number,
      number,
      number,
      string[],
    ][];
    const groups = new Map<string, { calls: number; usec: number }>();
    for (const [, , usec, args] of entries) {
      const command = String(args[0]).toLowerCase();
      // A script is told by its SHA (EVALSHA) or, for EVAL, which carries its text, by its keys.
      const script =
        command === 'evalsha'
          ? `evalsha ${String(args[1]).slice(0, 10)}`
          : command === 'eval'
            ? 'eval'
            : null;
      const key = script
        ? `${script} keys=${args[2]} ${String(args[3] ?? '').replace(/[0-9a-f]{8}-[0-9a-f-]{27}|\d+$/g, '<id>')}`
        : command;
      const group = groups.get(key) ?? { calls: 0, usec: 0 };
      group.calls += 1;
      group.usec += usec;
      groups.set(key, group);
    }
    const full = entries.length >= SCRIPT_PROFILE_ENTRIES ? ' (log full: use fewer units)' : '';
    console.log(`  ${label}: Redis time per unit by script and command (calls, µs)${full}`);
    for (const [key, group] of [...groups].sort((a, b) => b[1].usec - a[1].usec).slice(0, 20))
      console.log(
        `    ${(group.calls / units).toFixed(2).padStart(7)} ${(group.usec / units).toFixed(1).padStart(8)}  ${key}`,
      );
    return result;
  } finally {
    await client.config('SET', 'slowlog-log-slower-than', threshold);
    await client.config('SET', 'slowlog-max-len', length);
    await client.slowlog('RESET');
    client.disconnect();
  }
}
