import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { RedisServerProcess } from './redis-server-process';

describe('RedisServerProcess', () => {
  it('keeps data across a restart on the same port thanks to the AOF', async () => {
    const server = new RedisServerProcess({ dataDir: mkdtempSync(join(tmpdir(), 'rt-redis-')) });
    await server.start();
    const port = server.port;
    const client = new Redis(server.url, { lazyConnect: true });
    await client.connect();
    await client.set('k', 'v');
    client.disconnect();
    await server.stop();
    await server.start();
    expect(server.port).toBe(port);
    const again = new Redis(server.url);
    expect(await again.get('k')).toBe('v');
    again.disconnect();
    await server.stop();
  });
});
