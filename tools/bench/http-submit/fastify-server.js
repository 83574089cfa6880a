// Framework floor for http-submit: a bare Fastify server (no logger, no validation) that adds one raw
// bull job per POST, nothing else. Started by main.ts as a child process: PORT and REDIS_URL from env.
const Fastify = require('fastify');
const Bull = require('bull');
const { randomUUID } = require('node:crypto');

const queue = new Bull('fastify-floor', process.env.REDIS_URL);
const app = Fastify({ logger: false });
app.post('/workers/jobs', async (request) => {
  const jobId = randomUUID();
  await queue.add(request.body, { jobId, removeOnComplete: true });
  return {
    job_id: jobId,
    status: 'submitted',
    submitted_at: new Date().toISOString(),
    message: 'Job submitted successfully',
  };
});
queue.isReady().then(() => app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' }));
