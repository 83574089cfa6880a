import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

/** One request a fixture server received. */
export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Arrival time, epoch ms. */
  at: number;
}

/** A per-test route handler. */
export type FixtureHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** What /robots.txt answers: a body (200), a status with an optional body, or null (404). */
export type RobotsFixture = string | { status: number; body?: string } | null;

/** Options of {@link startFixtureSite}. */
export interface FixtureSiteOptions {
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** How many /articles/:n pages exist. Default 1000. */
  articleCount?: number;
  /** Initial robots.txt. Default null (404). */
  robots?: RobotsFixture;
  /** Decoded size of the compression bombs. Default 64 MiB. */
  bombBytes?: number;
}

/** A running fixture site. */
export interface FixtureSite {
  /** `http://host:port` */
  readonly origin: string;
  readonly port: number;
  /** Every request received, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** Highest number of /hold requests in flight at once. */
  readonly maxConcurrentHolds: number;
  /** Absolute URL of `path` on this site. */
  url(path: string): string;
  /** Requests whose path (without query) is `pathname`. */
  requestsTo(pathname: string): RecordedRequest[];
  setRobots(robots: RobotsFixture): void;
  /** Adds or replaces a route for an exact pathname. */
  route(pathname: string, handler: FixtureHandler): void;
  /** Forgets recorded requests, counters and per-test routes. */
  reset(): void;
  /** Stops the server, cutting open connections (never-ending responses included). */
  close(): Promise<void>;
}

/** A server that only records: any request reaching it is a failed SSRF defence. */
export interface CanaryServer {
  readonly port: number;
  readonly requests: readonly RecordedRequest[];
  /** Addresses it listens on (127.0.0.1, and ::1 when the host has IPv6). */
  readonly addresses: readonly string[];
  close(): Promise<void>;
}
