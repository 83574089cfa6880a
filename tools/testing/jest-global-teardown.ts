/** Stops the Redis the global setup started: a redis-server, or every node of a Cluster. */
export default async function globalTeardown(): Promise<void> {
  const redis = (globalThis as Record<string, unknown>)['__RIPTIDE_TEST_REDIS__'] as
    { stop(): Promise<void> } | undefined;
  await redis?.stop();
}
