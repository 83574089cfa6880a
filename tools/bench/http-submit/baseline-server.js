// Baseline for http-submit: a bare node:http server that parses the JSON body and adds one raw
// bull job, nothing else. Started by main.ts as a child process: PORT and REDIS_URL from env.
const http = require('node:http');
const { randomUUID } = require('node:crypto');
const Bull = require('bull');

const queue = new Bull('baseline', process.env.REDIS_URL);
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString());
      const jobId = randomUUID();
      await queue.add(body, { jobId, removeOnComplete: true });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          job_id: jobId,
          status: 'submitted',
          submitted_at: new Date().toISOString(),
          message: 'Job submitted successfully',
        }),
      );
    } catch (error) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ statusCode: 400, error: 'Bad Request', message: String(error) }));
    }
  });
});
queue.isReady().then(() => server.listen(Number(process.env.PORT), '127.0.0.1'));
