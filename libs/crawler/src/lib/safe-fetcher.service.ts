import type { IncomingHttpHeaders } from 'node:http';
import { Agent, Dispatcher } from 'undici';
import { startDeadline, abortReasonToError, Deadline } from './abort.util';
import { readBody, parseContentEncodings } from './body-reader.util';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_HEADERS_TIMEOUT_MS,
  MAX_REDIRECTS,
} from './crawler.constants';
import type { LookupFunction } from './crawler.interface';
import { REDIRECT_WITHOUT_LOCATION, TOO_MANY_REDIRECTS } from './crawler.messages';
import { CrawlError } from './errors/crawl.error';
import { CrawlTimeoutError } from './errors/crawl-timeout.error';
import { ExtractionError } from './errors/extraction.error';
import { NetworkError } from './errors/network.error';
import { ResponseTooLargeError } from './errors/response-too-large.error';
import { TooManyRedirectsError } from './errors/too-many-redirects.error';
import { networkFailureOf } from './error-kind.util';
import { createSafeConnector, systemLookup } from './safe-connector.util';
import { assertFetchableUrl, NetworkPolicy } from './ssrf-guard.util';

/** Releases whatever a {@link HopGate} acquired for one request. */
export type GateRelease = () => Promise<void>;

/**
 * Runs before every request, redirect hops included (robots.txt check, politeness slot), and
 * returns the release to call once that response is consumed.
 */
export type HopGate = (url: URL, signal: AbortSignal) => Promise<GateRelease>;

/** Options of a {@link SafeFetcher}. */
export interface SafeFetcherOptions {
  userAgent: string;
  policy: NetworkPolicy;
  /** Default: the system resolver. */
  lookup?: LookupFunction;
  /** Default 10 s. */
  connectTimeoutMs?: number;
  /** Time to the response headers (first byte). Default 15 s. */
  headersTimeoutMs?: number;
}

/** Status line and headers of the final response. */
export interface ResponseHead {
  url: URL;
  status: number;
  headers: IncomingHttpHeaders;
}

/** A fetched response; `body` is null when the caller chose not to read it. */
export interface FetchedResponse extends ResponseHead {
  body: Buffer | null;
  /** Every URL redirected to, in order. */
  redirects: string[];
}

/** One fetch. */
export interface FetchRequest {
  /** Caller's signal (cancellation, job timeout). */
  signal: AbortSignal;
  /** Total time from the first request to the last body byte, redirects included. */
  timeoutMs: number;
  /** Cap on decoded body bytes. */
  maxBytes: number;
  /** `truncate` keeps the first `maxBytes` (robots.txt); default `error`. */
  overflow?: 'error' | 'truncate';
  /** Accept header. */
  accept?: string;
  gate?: HopGate;
  /** Whether to read the body of the final response. Default: 2xx only. */
  shouldReadBody?: (head: ResponseHead) => boolean;
  /** Default GET. A POST is never re-sent to a redirect target (see followRedirects). */
  method?: 'GET' | 'POST';
  /** Request body (with method POST). */
  body?: Buffer | string;
  /** Extra request headers; they may override the defaults (user-agent, accept). */
  headers?: Record<string, string>;
  /**
   * Whether a 3xx is followed (re-checked, at most five hops). Default true; false answers the
   * 3xx itself, as a webhook delivery must (a redirect could steer a signed POST elsewhere).
   */
  followRedirects?: boolean;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const noRelease: GateRelease = () => Promise.resolve();

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Reads at most a little of an unwanted body so the connection can be reused, else drops it. */
async function discard(body: Dispatcher.ResponseData['body']): Promise<void> {
  try {
    await body.dump({ limit: 64 * 1024 });
  } catch {
    // The body is unwanted; a failure to drain only costs the keep-alive connection.
  }
}

/**
 * HTTP GET on undici with SSRF protection on every hop, redirects followed here (at most
 * five, each re-checked), bounded time and bounded decoded size.
 */
export class SafeFetcher {
  private readonly agent: Agent;
  private readonly connectTimeoutMs: number;
  private readonly headersTimeoutMs: number;

  constructor(private readonly options: SafeFetcherOptions) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.headersTimeoutMs = options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS;
    this.agent = new Agent({
      connect: createSafeConnector(
        options.policy,
        options.lookup ?? systemLookup,
        this.connectTimeoutMs,
      ),
      keepAliveTimeout: 4_000,
    });
  }

  /** Fetches `input`; throws a {@link CrawlError} on every failure. */
  async fetch(input: string | URL, request: FetchRequest): Promise<FetchedResponse> {
    const redirects: string[] = [];
    let deadline: Deadline | undefined;
    try {
      let url = assertFetchableUrl(input, this.options.policy);
      for (let hop = 0; ; hop += 1) {
        const release = request.gate
          ? await request.gate(url, deadline?.signal ?? request.signal)
          : noRelease;
        // The total time starts with the first request, not while waiting for a host slot.
        deadline ??= startDeadline(request.signal, request.timeoutMs);
        try {
          const response = await this.send(url, request, deadline.signal);
          if (REDIRECT_STATUSES.has(response.statusCode) && request.followRedirects !== false) {
            await discard(response.body);
            const location = header(response.headers, 'location');
            // A Location that does not parse is as unusable as none (and no network failure).
            if (!location || !URL.canParse(location, url.href))
              throw new TooManyRedirectsError(REDIRECT_WITHOUT_LOCATION(response.statusCode));
            if (hop >= MAX_REDIRECTS)
              throw new TooManyRedirectsError(TOO_MANY_REDIRECTS(MAX_REDIRECTS));
            url = assertFetchableUrl(new URL(location, url), this.options.policy);
            redirects.push(url.href);
            continue;
          }
          const head: ResponseHead = {
            url,
            status: response.statusCode,
            headers: response.headers,
          };
          const wanted =
            request.shouldReadBody ?? ((h: ResponseHead) => h.status >= 200 && h.status < 300);
          if (!wanted(head)) {
            await discard(response.body);
            return { ...head, body: null, redirects };
          }
          const body = await this.readBody(response, request, deadline.signal);
          return { ...head, body, redirects };
        } finally {
          await release();
        }
      }
    } catch (error) {
      throw this.toCrawlError(error, deadline?.signal ?? request.signal, request.timeoutMs);
    } finally {
      deadline?.clear();
    }
  }

  /** Closes pooled connections. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  private send(
    url: URL,
    request: FetchRequest,
    signal: AbortSignal,
  ): Promise<Dispatcher.ResponseData> {
    return this.agent.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: request.method ?? 'GET',
      body: request.body,
      signal,
      headersTimeout: this.headersTimeoutMs,
      bodyTimeout: request.timeoutMs,
      headers: {
        'user-agent': this.options.userAgent,
        accept: request.accept ?? '*/*',
        'accept-encoding': 'gzip, deflate, br',
        ...request.headers,
      },
    });
  }

  private async readBody(
    response: Dispatcher.ResponseData,
    request: FetchRequest,
    signal: AbortSignal,
  ): Promise<Buffer> {
    const overflow = request.overflow ?? 'error';
    let codings;
    try {
      codings = parseContentEncodings(response.headers['content-encoding']);
    } catch (error) {
      await discard(response.body);
      throw error;
    }
    const declared = Number(header(response.headers, 'content-length'));
    if (overflow === 'error' && codings.length === 0 && declared > request.maxBytes) {
      // Refuse before downloading anything when the server already says it is too big.
      response.body.destroy();
      throw new ResponseTooLargeError(request.maxBytes);
    }
    return readBody(response.body, codings, request.maxBytes, overflow, signal);
  }

  private toCrawlError(error: unknown, signal: AbortSignal, bodyTimeoutMs: number): CrawlError {
    if (error instanceof CrawlError) return error;
    if (signal.aborted) return abortReasonToError(signal);
    const code = (error as { code?: unknown } | null)?.code;
    switch (code) {
      case 'UND_ERR_CONNECT_TIMEOUT':
        return new CrawlTimeoutError('connect', this.connectTimeoutMs);
      case 'UND_ERR_HEADERS_TIMEOUT':
        return new CrawlTimeoutError('headers', this.headersTimeoutMs);
      case 'UND_ERR_BODY_TIMEOUT':
        return new CrawlTimeoutError('body', bodyTimeoutMs);
    }
    if (typeof code === 'string' && code.startsWith('Z_')) {
      return new ExtractionError('decompress', { cause: error });
    }
    // DNS, refused/reset connections, TLS failures and anything unexpected from the socket.
    return new NetworkError(networkFailureOf(error), { cause: error });
  }
}
