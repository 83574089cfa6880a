import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { brotliCompressSync, constants as zlib, deflateSync, gzipSync } from 'node:zlib';
import { articleTitle, renderArticlePage } from './article-page.fixture';
import type {
  CanaryServer,
  FixtureHandler,
  FixtureSite,
  FixtureSiteOptions,
  RecordedRequest,
  RobotsFixture,
} from './fixture-site.interface';
import { buildMalformedPdf, buildPdfDocument } from './pdf-document.fixture';

/** The known article served at /article, for extraction assertions. */
export const FIXTURE_ARTICLE = {
  title: 'Tides of the Northern Harbour',
  description: 'How the northern harbour tides shaped a fishing town.',
  siteName: 'Harbour Gazette',
  byline: 'Ada Fixture',
  publishedIso: '2024-03-05T08:30:00.000Z',
  language: 'en-GB',
  /** A sentence that is only in the main text. */
  mainSentence: "The tide tables were kept in the lighthouse keeper's kitchen.",
  /** A sentence that is only in the navigation and must not reach the main text. */
  boilerplate: 'Subscribe to our newsletter for weekly harbour news.',
};

/** The PDF served at /doc.pdf. */
export const FIXTURE_PDF = {
  pages: [
    'First page about harbour tides.',
    'Second page about lighthouses.',
    'Third page: the end.',
  ],
  title: 'Harbour Tides Report',
  author: 'Ada Fixture',
  subject: 'Tides',
  creationDate: 'D:20240102030405Z',
};

const ARTICLE_HTML = `<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>${FIXTURE_ARTICLE.title} | ${FIXTURE_ARTICLE.siteName}</title>
<meta name="description" content="${FIXTURE_ARTICLE.description}">
<meta property="og:title" content="${FIXTURE_ARTICLE.title}">
<meta property="og:site_name" content="${FIXTURE_ARTICLE.siteName}">
<meta name="author" content="${FIXTURE_ARTICLE.byline}">
<meta property="article:published_time" content="2024-03-05T08:30:00Z">
</head><body>
<header><nav><a href="/">Home</a> <a href="/articles/1">World</a> <a href="/articles/2#top">Local</a>
<p>${FIXTURE_ARTICLE.boilerplate}</p></nav></header>
<main><article>
<h1>${FIXTURE_ARTICLE.title}</h1>
<p class="byline">By ${FIXTURE_ARTICLE.byline}</p>
<p>For three centuries the northern harbour has lived by its tides. Fishermen read the water before they read the news, and the rhythm of the sea decided when the market opened and when the boats went out. ${FIXTURE_ARTICLE.mainSentence}</p>
<p>Every morning the keeper copied the times onto a slate by the harbour wall. Children learned to read from those numbers, and the old men argued over them in the tavern. When the slate broke in the storm of 1893 the whole town helped to carve a new one from the quarry stone.</p>
<h2>The great storm</h2>
<p>The storm came without warning on a calm October night. The harbour wall held, but the fish market was swept away, and with it the <a href="/articles/3">records of a hundred years</a>. The town rebuilt the market in a single summer, working by the light of the tides themselves.</p>
<ul><li>High water: six in the morning</li><li>Low water: noon</li></ul>
<p>Today the tide tables are printed, but the slate is still there. Visitors touch it for luck before they walk out along the wall, and the harbour still keeps its own time. Read <a href="https://example.org/tides?src=gazette#section">the tide almanac</a> or <a href="/articles/3">the archive</a> again.</p>
</article></main>
<footer><a href="mailto:desk@example.org">Mail</a> <a href="javascript:void(0)">Menu</a> <a href="ftp://example.org/file">FTP</a> <a href="/about">About</a></footer>
</body></html>`;

const PNG_BYTES = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

let bombCache: { size: number; gzip: Buffer; br: Buffer; deflate: Buffer } | undefined;
function bombs(size: number) {
  if (!bombCache || bombCache.size !== size) {
    const zeros = Buffer.alloc(size, 0x20);
    bombCache = {
      size,
      gzip: gzipSync(zeros, { level: 9 }),
      br: brotliCompressSync(zeros, { params: { [zlib.BROTLI_PARAM_QUALITY]: 5 } }),
      deflate: deflateSync(zeros, { level: 9 }),
    };
  }
  return bombCache;
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

function html(title: string, body: string): string {
  return `<!DOCTYPE html><html lang="en"><head><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;
}

function record(req: IncomingMessage, into: RecordedRequest[]): void {
  into.push({
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    headers: req.headers,
    at: Date.now(),
  });
}

function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * Starts a local HTTP site on a free port of 127.0.0.1 with everything a crawler must cope
 * with: articles, PDFs, redirects, slow and never-ending responses, compression bombs,
 * rate limits and robots.txt. Every request is recorded.
 */
export async function startFixtureSite(options: FixtureSiteOptions = {}): Promise<FixtureSite> {
  const host = options.host ?? '127.0.0.1';
  const articleCount = options.articleCount ?? 1000;
  const bombBytes = options.bombBytes ?? 64 * 1024 * 1024;
  const requests: RecordedRequest[] = [];
  const routes = new Map<string, FixtureHandler>();
  const hits = new Map<string, number>();
  const articles = new Map<number, Buffer>();
  let robots: RobotsFixture = options.robots ?? null;
  // Holds in progress since the last reset(): one still running from an earlier test is not counted.
  let holds = new Set<object>();
  let maxConcurrentHolds = 0;
  const pdf = buildPdfDocument(FIXTURE_PDF);

  const handle = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const path = url.pathname;
    const query = url.searchParams;
    const custom = routes.get(path);
    if (custom) return custom(req, res);
    const hit = (hits.get(`${path}?${query.toString()}`) ?? 0) + 1;
    hits.set(`${path}?${query.toString()}`, hit);

    if (path === '/robots.txt') {
      if (robots === null) return send(res, 404, 'text/plain', 'not found');
      if (typeof robots === 'string') return send(res, 200, 'text/plain', robots);
      return send(res, robots.status, 'text/plain', robots.body ?? '');
    }
    const article = /^\/articles\/(\d+)$/.exec(path);
    if (article) {
      const index = Number(article[1]);
      if (index >= articleCount) return send(res, 404, 'text/html', html('Not found', ''));
      let page = articles.get(index);
      if (!page) {
        page = Buffer.from(renderArticlePage({ index, total: articleCount }));
        articles.set(index, page);
      }
      return send(res, 200, 'text/html; charset=utf-8', page);
    }
    const redirect = /^\/redirect\/(\d+)$/.exec(path);
    if (redirect) {
      const left = Number(redirect[1]);
      if (left === 0) return send(res, 200, 'text/html; charset=utf-8', ARTICLE_HTML);
      res.writeHead(302, { location: `/redirect/${left - 1}` });
      return void res.end();
    }
    switch (path) {
      case '/article':
        return send(res, 200, 'text/html; charset=utf-8', ARTICLE_HTML, {
          'content-language': 'en',
        });
      case '/based':
        return send(
          res,
          200,
          'text/html',
          `<html><head><base href="/docs/"><title>Based</title></head><body><a href="guide">Guide</a><a href="https://example.org/x">X</a></body></html>`,
        );
      case '/xhtml':
        return send(
          res,
          200,
          'application/xhtml+xml',
          `<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml" lang="fr"><head><title>Page XHTML</title></head><body><p>Bonjour le monde, ceci est une page XHTML.</p></body></html>`,
        );
      case '/latin1':
        return send(
          res,
          200,
          'text/html; charset=iso-8859-1',
          Buffer.from(
            html('Caf\u00e9', '<p>Cr\u00e8me br\u00fbl\u00e9e \u00e0 la carte.</p>'),
            'latin1',
          ),
        );
      case '/no-type':
        res.writeHead(200, {});
        return void res.end(html('Untyped', '<p>No content type header here.</p>'));
      case '/plain.txt':
        return send(
          res,
          200,
          'text/plain; charset=utf-8',
          'Plain text line one.\nPlain text line two has more words.\n',
        );
      case '/doc.pdf':
        return send(res, 200, 'application/pdf', pdf);
      case '/doc-unlabelled':
        return send(res, 200, 'application/octet-stream', pdf);
      case '/malformed.pdf':
        return send(res, 200, 'application/pdf', buildMalformedPdf());
      case '/image.png':
        return send(res, 200, 'image/png', PNG_BYTES);
      case '/png-as-html':
        return send(res, 200, 'text/html', PNG_BYTES);
      case '/data.json':
        return send(res, 200, 'application/json', '{"ok":true}');
      case '/redirect-to': {
        res.writeHead(Number(query.get('status') ?? 302), {
          location: query.get('location') ?? '/',
        });
        return void res.end();
      }
      case '/status': {
        const status = Number(query.get('code') ?? 500);
        const retryAfter = query.get('retry-after');
        return send(
          res,
          status,
          'text/html',
          html(`Status ${status}`, ''),
          retryAfter ? { 'retry-after': retryAfter } : {},
        );
      }
      case '/retry-once': {
        // First request of each distinct query is refused with Retry-After, later ones succeed.
        if (hit === 1) {
          return send(res, Number(query.get('status') ?? 429), 'text/html', html('Slow down', ''), {
            'retry-after': query.get('retry-after') ?? '1',
          });
        }
        return send(res, 200, 'text/html; charset=utf-8', ARTICLE_HTML);
      }
      case '/hold': {
        const hold = {};
        const counted = holds;
        counted.add(hold);
        maxConcurrentHolds = Math.max(maxConcurrentHolds, counted.size);
        await new Promise((resolve) => setTimeout(resolve, Number(query.get('ms') ?? 100)));
        counted.delete(hold);
        return send(
          res,
          200,
          'text/html',
          html(`Held ${query.get('id') ?? ''}`, '<p>Held for a while before answering.</p>'),
        );
      }
      case '/slow-headers': {
        await new Promise((resolve) => setTimeout(resolve, Number(query.get('ms') ?? 5000)));
        return send(res, 200, 'text/html', html('Slow', ''));
      }
      case '/slow-body': {
        // Headers at once, then a trickle that never ends.
        res.writeHead(200, { 'content-type': 'text/html' });
        res.write('<!DOCTYPE html><html><body><p>');
        const timer = setInterval(() => res.write('more '), Number(query.get('ms') ?? 100));
        res.on('close', () => clearInterval(timer));
        return;
      }
      case '/never':
        // Accepts the request and never answers.
        return;
      case '/large':
        // Plain (uncompressed) body of the asked size, without a Content-Length.
        res.writeHead(200, { 'content-type': 'text/html' });
        return void res.end(Buffer.alloc(Number(query.get('bytes') ?? 2_000_000), 0x61));
      case '/declared-large':
        res.writeHead(200, {
          'content-type': 'text/html',
          'content-length': String(1024 * 1024 * 1024),
        });
        res.write('<html>');
        return;
      case '/gzip-bomb':
        return send(res, 200, 'text/html', bombs(bombBytes).gzip, { 'content-encoding': 'gzip' });
      case '/br-bomb':
        return send(res, 200, 'text/html', bombs(bombBytes).br, { 'content-encoding': 'br' });
      case '/deflate-bomb':
        return send(res, 200, 'text/html', bombs(bombBytes).deflate, {
          'content-encoding': 'deflate',
        });
      case '/gzip':
        return send(res, 200, 'text/html', gzipSync(ARTICLE_HTML), { 'content-encoding': 'gzip' });
      case '/gzip-br':
        return send(res, 200, 'text/html', brotliCompressSync(gzipSync(ARTICLE_HTML)), {
          'content-encoding': 'gzip, br',
        });
      case '/triple-encoded':
        return send(res, 200, 'text/html', gzipSync(gzipSync(gzipSync(ARTICLE_HTML))), {
          'content-encoding': 'gzip, gzip, gzip',
        });
      case '/':
        return send(
          res,
          200,
          'text/html',
          html(articleTitle(0), '<a href="/articles/0">First</a>'),
        );
      default:
        return send(res, 404, 'text/html', html('Not found', ''));
    }
  };

  const server = createServer((req, res) => {
    record(req, requests);
    const url = new URL(req.url ?? '/', 'http://fixture.invalid');
    handle(req, res, url).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain', String(error));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  const sockets = trackSockets(server);
  const port = await listen(server, 0, host);
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    origin,
    port,
    requests,
    get maxConcurrentHolds() {
      return maxConcurrentHolds;
    },
    url: (path) => new URL(path, origin).href,
    requestsTo: (pathname) => requests.filter((r) => r.path.split('?')[0] === pathname),
    setRobots: (value) => {
      robots = value;
    },
    route: (pathname, handler) => {
      routes.set(pathname, handler);
    },
    reset: () => {
      requests.length = 0;
      hits.clear();
      routes.clear();
      maxConcurrentHolds = 0;
      holds = new Set();
    },
    close: () => closeServer(server, sockets),
  };
}

/**
 * Starts a server that records every request and answers 200, on 127.0.0.1 and (when the
 * host has IPv6) on ::1 with the same port, so a request that slipped through an SSRF check
 * in any notation would be seen.
 */
export async function startCanaryServer(): Promise<CanaryServer> {
  const requests: RecordedRequest[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    record(req, requests);
    send(res, 200, 'text/plain', 'canary');
  };
  const v4 = createServer(handler);
  const v4Sockets = trackSockets(v4);
  const port = await listen(v4, 0, '127.0.0.1');
  const addresses = ['127.0.0.1'];
  const v6 = createServer(handler);
  const v6Sockets = trackSockets(v6);
  let v6Listening = false;
  try {
    await listen(v6, port, '::1');
    addresses.push('::1');
    v6Listening = true;
  } catch {
    // No IPv6 loopback here: the IPv4 listener still catches every IPv4-reachable notation.
  }
  return {
    port,
    requests,
    addresses,
    close: async () => {
      await closeServer(v4, v4Sockets);
      if (v6Listening) await closeServer(v6, v6Sockets);
    },
  };
}
