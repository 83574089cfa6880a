import { RedisUrlError } from './errors/redis-url.error';

/** One `host:port` of a Sentinel or Cluster deployment. */
export interface RedisNodeAddress {
  host: string;
  port: number;
}

/**
 * What a Redis URL names:
 * - `redis://` / `rediss://`: one server, as ioredis reads the URL;
 * - `redis-sentinel://[user:password@]host:port,host:port/<master name>[?db=N]`: the primary that
 *   these Sentinels elect, followed across failovers;
 * - `redis-cluster://[user:password@]host:port,host:port`: a Redis Cluster, found from any of these
 *   seed nodes.
 * The password, when given, is the data nodes' (Sentinels are reached without one).
 */
export type RedisDeployment =
  | { kind: 'standalone'; url: string }
  | {
      kind: 'sentinel';
      sentinels: RedisNodeAddress[];
      name: string;
      username?: string;
      password?: string;
      db: number;
    }
  | { kind: 'cluster'; nodes: RedisNodeAddress[]; username?: string; password?: string };

const MULTI_NODE_URL =
  /^(redis-sentinel|redis-cluster):\/\/(?:([^@/]*)@)?([^/?#]+)(?:\/([^?#]*))?(?:\?([^#]*))?$/;
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[^:[\]\s]+):(\d{1,5})$/;

/**
 * Parses a `host:port,host:port` list (IPv6 in brackets). Returns the addresses, or throws
 * RedisUrlError naming the entry that is not `host:port`.
 */
export function parseNodeList(list: string): RedisNodeAddress[] {
  const entries = list.split(',').map((entry) => entry.trim());
  return entries.map((entry) => {
    const match = HOST_PORT.exec(entry);
    const port = match ? Number(match[2]) : 0;
    if (!match || port < 1 || port > 65535) throw new RedisUrlError(`"${entry}" is not host:port`);
    return { host: match[1].replace(/^\[|\]$/g, ''), port };
  });
}

function credentials(userInfo: string | undefined): { username?: string; password?: string } {
  if (!userInfo) return {};
  const colon = userInfo.indexOf(':');
  const username =
    colon < 0 ? undefined : decodeURIComponent(userInfo.slice(0, colon)) || undefined;
  const password =
    decodeURIComponent(colon < 0 ? userInfo : userInfo.slice(colon + 1)) || undefined;
  return { username, password };
}

/** Reads what a Redis URL names; throws RedisUrlError, saying what is wrong, for anything else. */
export function parseRedisDeployment(url: string): RedisDeployment {
  const match = MULTI_NODE_URL.exec(url);
  if (!match) {
    let protocol = '';
    try {
      protocol = new URL(url).protocol;
    } catch {
      protocol = '';
    }
    if (protocol === 'redis:' || protocol === 'rediss:') return { kind: 'standalone', url };
    throw new RedisUrlError(
      'a Redis URL must start with redis://, rediss://, redis-sentinel:// or redis-cluster://',
    );
  }
  const [, scheme, userInfo, hosts, path = '', query = ''] = match;
  const nodes = parseNodeList(hosts);
  if (scheme === 'redis-cluster') {
    if (path !== '')
      throw new RedisUrlError('a redis-cluster:// URL has no path: a Cluster has one database');
    return { kind: 'cluster', nodes, ...credentials(userInfo) };
  }
  const name = decodeURIComponent(path);
  if (!name)
    throw new RedisUrlError(
      'a redis-sentinel:// URL must end with /<master name>, the name the Sentinels monitor',
    );
  const db = Number(new URLSearchParams(query).get('db') ?? 0);
  if (!Number.isInteger(db) || db < 0)
    throw new RedisUrlError('db in a redis-sentinel:// URL must be a database number');
  return { kind: 'sentinel', sentinels: nodes, name, db, ...credentials(userInfo) };
}

const formatNodes = (nodes: RedisNodeAddress[]) =>
  nodes.map(({ host, port }) => `${host.includes(':') ? `[${host}]` : host}:${port}`).join(',');

/** The `redis-sentinel://` URL of the primary that `sentinels` monitor as `name`. */
export function sentinelUrl(sentinels: RedisNodeAddress[], name: string): string {
  return `redis-sentinel://${formatNodes(sentinels)}/${encodeURIComponent(name)}`;
}

/** The `redis-cluster://` URL of a Cluster reached through these seed nodes. */
export function clusterUrl(nodes: RedisNodeAddress[]): string {
  return `redis-cluster://${formatNodes(nodes)}`;
}

/** True when the URL names a Redis Cluster (its keys must share a hash tag; see hashTagOf). */
export function isClusterUrl(url: string): boolean {
  return url.startsWith('redis-cluster://');
}

/**
 * The hash tag Redis Cluster would take from a key starting with `prefix` (the text between the
 * first `{` and the next `}`, when not empty), or null when the prefix has none and its keys would
 * spread over many slots.
 */
export function hashTagOf(prefix: string): string | null {
  const open = prefix.indexOf('{');
  if (open < 0) return null;
  const close = prefix.indexOf('}', open + 1);
  return close > open + 1 ? prefix.slice(open + 1, close) : null;
}
