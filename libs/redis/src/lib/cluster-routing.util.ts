import type Redis from 'ioredis';

/**
 * Defines a script that names no key of its own — it is handed ids in ARGV, or walks keys it names
 * from the queue's base — so that it still reaches the queue's Redis Cluster slot: a Cluster sends
 * a command to the master of its first key's slot, and a command without keys to any master, most
 * of which hold none of the queue. The script is defined as `<name>ByKey` with `routingKey` (unread)
 * as its one key, and `<name>` passes it, so callers keep passing ARGV only. Pipelines get only
 * `<name>ByKey` (ioredis copies defined scripts into them), which takes the key first.
 */
export function defineRoutedScript(
  client: Redis,
  name: string,
  lua: string,
  routingKey: string,
): void {
  const byKey = `${name}ByKey`;
  client.defineCommand(byKey, { numberOfKeys: 1, lua });
  const commands = client as unknown as Record<string, (...args: unknown[]) => unknown>;
  commands[name] = (...args: unknown[]) => commands[byKey](routingKey, ...args);
}
