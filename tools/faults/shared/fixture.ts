import { createServer, Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * The site every crawl job fetches: /work?job=<key> answers a small page after `delayMs` (so jobs
 * are in flight when a fault strikes) and counts each request per key. The count is the ground
 * truth of "this job ran": two requests for one key means the job ran twice.
 */
export class WorkFixture {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  readonly hits = new Map<string, number>();
  port = 0;

  constructor(private readonly delayMs = 200) {}

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  url(key: string): string {
    return `${this.origin}/work?job=${encodeURIComponent(key)}`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://fixture');
      if (url.pathname !== '/work') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      const key = url.searchParams.get('job') ?? '';
      this.hits.set(key, (this.hits.get(key) ?? 0) + 1);
      setTimeout(() => {
        const body = `<!DOCTYPE html><html lang="en"><head><title>Work ${key}</title></head><body><main><h1>Work ${key}</h1><p>Fixture page for a fault-suite job.</p></main></body></html>`;
        res
          .writeHead(200, {
            'content-type': 'text/html; charset=utf-8',
            'content-length': Buffer.byteLength(body),
          })
          .end(body);
      }, this.delayMs);
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}
