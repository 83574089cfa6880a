/*
 * The webhook receiver of the events benchmark, in a process of its own (as a receiving service
 * would be, and so that the 200 stream clients' work does not delay its clock): answers every POST
 * 200 and times the first delivery of each event against its `created_at`. Prints "ready <url>";
 * on the IPC message "reset" it forgets the latencies so far, on "report" it sends them.
 */
import { createServer } from 'node:http';

const latencies: number[] = [];
const seen = new Set<string>();

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const now = Date.now();
    const body = JSON.parse(Buffer.concat(chunks).toString()) as { id: string; created_at: string };
    if (!seen.has(body.id)) {
      seen.add(body.id);
      latencies.push(now - Date.parse(body.created_at));
    }
    res.writeHead(200).end();
  });
});

process.on('message', (message: string) => {
  if (message === 'reset') latencies.length = 0;
  if (message === 'report') process.send?.({ latencies });
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`ready http://127.0.0.1:${port}/hook\n`);
});
