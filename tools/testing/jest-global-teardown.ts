import type { RedisServerProcess } from '../../libs/host/src/lib/redis-server-process';

export default async function globalTeardown(): Promise<void> {
  const server = (globalThis as Record<string, unknown>)['__RIPTIDE_TEST_REDIS__'] as RedisServerProcess | undefined;
  await server?.stop();
}
