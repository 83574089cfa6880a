import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { __resetOutOfContextForTests } from 'nestjs-pino/PinoLogger';
import request from 'supertest';
import { deleteKeysWithPrefix, testRedisUrl, uniquePrefix, waitFor } from '@riptide/testing';
import { declareHandledJobTypes } from '@riptide/queue/testing';
import { bootApi, testEnv } from './test-app.util';

const redisUrl = testRedisUrl();

type LogLine = Record<string, unknown> & { level: number; msg?: string };

/** Boots the API with its JSON log lines captured in memory. */
async function bootLogging(
  level: string,
  workers = 0,
): Promise<{ app: NestFastifyApplication; lines: LogLine[]; prefix: string }> {
  const lines: LogLine[] = [];
  const destination = { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) };
  const prefix = uniquePrefix('log');
  // nestjs-pino keeps the first pino instance of the process for every Nest Logger: each app of this
  // file gets its own, as each host process has.
  __resetOutOfContextForTests();
  // The custom type the requests submit: a worker elsewhere handles it.
  await declareHandledJobTypes(redisUrl, prefix, ['custom:noop']);
  const app = await bootApi(
    redisUrl,
    testEnv(prefix, { LOG_LEVEL: level, WORKER_POOL_SIZE: String(workers) }),
    destination,
  );
  return { app, lines, prefix };
}

describe('Request logging (booted host, JSON lines)', () => {
  const booted: { app: NestFastifyApplication; prefix: string }[] = [];

  afterAll(async () => {
    for (const { app, prefix } of booted) {
      await app.close();
      await deleteKeysWithPrefix(redisUrl, prefix);
    }
  });

  it('at debug: one completion line per request carrying its reqId, and job events carrying the jobId', async () => {
    const { app, lines, prefix } = await bootLogging('debug');
    booted.push({ app, prefix });
    const submitted = await request(app.getHttpServer())
      .post('/workers/jobs')
      .set('x-request-id', 'trace-submit-1')
      .send({ job_type: { type: 'custom', job_name: 'noop' } })
      .expect(200);
    expect(submitted.headers['x-request-id']).toBe('trace-submit-1');
    const missing = await request(app.getHttpServer())
      .get('/workers/jobs/00000000-0000-4000-8000-000000000000')
      .expect(404);
    const generatedId = missing.headers['x-request-id'] as string;
    expect(generatedId).toMatch(/^[0-9a-f-]{36}$/);

    await waitFor(
      () => lines.filter((line) => line.msg === 'request completed').length,
      (n) => n >= 2,
      { what: 'two completion lines' },
    );
    const completions = lines.filter((line) => line.msg === 'request completed');
    expect(completions).toEqual([
      expect.objectContaining({
        level: 20,
        reqId: 'trace-submit-1',
        req: { method: 'POST', url: '/workers/jobs' },
        res: { statusCode: 200 },
        responseTime: expect.any(Number),
      }),
      expect.objectContaining({ level: 40, reqId: generatedId, res: { statusCode: 404 } }),
    ]);
    const jobId = submitted.body.job_id as string;
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 20,
        msg: `job ${jobId} (custom) submitted`,
        event: 'submitted',
        jobId,
        jobType: 'custom',
      }),
    );
  });

  it('at info: each job writes one line when it ends (id, type, status, duration), its steps stay at debug', async () => {
    const { app, lines, prefix } = await bootLogging('info', 1);
    booted.push({ app, prefix });
    const http = () => request(app.getHttpServer());
    const submitted = await http()
      .post('/workers/jobs')
      .send({ job_type: { type: 'maintenance', task_type: 'health_check' } })
      .expect(200);
    const jobId = submitted.body.job_id as string;
    await waitFor(
      () => lines.filter((line) => line['jobId'] === jobId),
      (found) => found.length >= 1,
      { what: "the job's line" },
    );
    // Give a second line, were there one, the time to be written.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(lines.filter((line) => line['jobId'] === jobId)).toEqual([
      {
        level: 30,
        time: expect.any(Number),
        pid: process.pid,
        hostname: expect.any(String),
        context: 'Jobs',
        msg: expect.stringMatching(
          new RegExp(`^job ${jobId} \\(maintenance\\) Completed in \\d+ ms$`),
        ),
        event: 'completed',
        jobId,
        jobType: 'maintenance',
        status: 'Completed',
        durationMs: expect.any(Number),
      },
    ]);
  });

  it('at info: successful requests write nothing, client errors still warn with their reqId', async () => {
    const { app, lines, prefix } = await bootLogging('info');
    booted.push({ app, prefix });
    await request(app.getHttpServer())
      .post('/workers/jobs')
      .set('x-request-id', 'quiet-ok')
      .send({ job_type: { type: 'custom', job_name: 'noop' } })
      .expect(200);
    await request(app.getHttpServer())
      .post('/workers/jobs')
      .set('x-request-id', 'loud-bad')
      .send({ job_type: { type: 'nope' } })
      .expect(400);
    await waitFor(
      () => lines.filter((line) => line.msg === 'request completed'),
      (found) => found.length >= 1,
      { what: 'the warn line' },
    );
    expect(lines.filter((line) => line.msg === 'request completed')).toEqual([
      expect.objectContaining({ level: 40, reqId: 'loud-bad', res: { statusCode: 400 } }),
    ]);
    expect(lines.some((line) => line.level < 30)).toBe(false);
  });
});
