// Baseline of http-submit's bulk row: a bare node:http server that parses `{jobs: [...]}` and adds
// them all with one raw bull addBulk, nothing else. Started by main.ts as a child process: PORT and
// REDIS_URL from env.
const http = require('node:http');
const { randomUUID } = require('node:crypto');
const Bull = require('bull');

const queue = new Bull('baseline-bulk', process.env.REDIS_URL);
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try {
      const { jobs } = JSON.parse(Buffer.concat(chunks).toString());
      const added = await queue.addBulk(
        jobs.map((data) => ({ data, opts: { jobId: randomUUID(), removeOnComplete: true } })),
      );
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          submitted: added.length,
          failed: 0,
          jobs: added.map((job, index) => ({ index, job_id: job.id, status: 'submitted' })),
        }),
      );
    } catch (error) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ statusCode: 400, error: 'Bad Request', message: String(error) }));
    }
  });
});
queue.isReady().then(() => server.listen(Number(process.env.PORT), '127.0.0.1'));
