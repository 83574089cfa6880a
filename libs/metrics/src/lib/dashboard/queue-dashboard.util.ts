import { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bull';
import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { RIPTIDE_QUEUE_NAME } from '@riptide/queue';
import type { Queue } from 'bull';
import type { RequestHeaders } from '@riptide/auth';
import { redactJobData, redactJobResult } from './job-redaction.util';

/** Options of mountQueueDashboard. */
export interface QueueDashboardOptions {
  /** URL path of the dashboard. Default `/admin/queues`. */
  path?: string;
  /** Without it the dashboard only shows; with `false` it can also retry, promote and remove jobs. Default true. */
  readOnly?: boolean;
  /**
   * Asked first by every request under `path` (the page, its static files and its API); false
   * answers 401 with a Basic challenge. Without it the dashboard is open to anyone who reaches
   * it. A throw (Redis away while a key is looked up) answers 503, without the error's text.
   */
  authorize?: (headers: RequestHeaders) => boolean | Promise<boolean>;
}

/** The realm browsers show in their login prompt; charset tells them to send the password as UTF-8. */
export const DASHBOARD_AUTH_CHALLENGE = 'Basic realm="RipTide Workers", charset="UTF-8"';
/** The body of a refused dashboard request, in the shape of the API's other errors. */
export const DASHBOARD_UNAUTHORIZED_BODY = {
  statusCode: 401,
  error: 'Unauthorized',
  message: 'The dashboard needs the admin key as the HTTP Basic password',
} as const;

const DASHBOARD_UNAVAILABLE_BODY = {
  statusCode: 503,
  error: 'Service Unavailable',
  message: 'The dashboard cannot check credentials right now; try again shortly',
} as const;

// The few members of Fastify's request, reply and instance used here, typed locally because the
// library does not depend on fastify itself (the application brings it).
interface DashboardRequest {
  headers: RequestHeaders;
}
interface DashboardReply {
  code(statusCode: number): DashboardReply;
  header(name: string, value: string): DashboardReply;
  send(payload: unknown): DashboardReply;
}
type PluginDone = (error?: Error) => void;
interface FastifyLike {
  register(plugin: unknown, options?: { prefix: string }): unknown;
  addHook(
    name: 'onRequest',
    hook: (request: DashboardRequest, reply: DashboardReply) => Promise<DashboardReply | undefined>,
  ): unknown;
}

/**
 * Mounts bull-board on the application's Fastify instance, showing the RipTide queue. Call it
 * after NestFactory.create and before listen (QueueModule must be in the application).
 *
 * The board never shows a pdf_extraction job's base64 PDF nor a result body: job data and
 * return values pass through redacting formatters before they reach its API.
 */
export async function mountQueueDashboard(
  app: INestApplication,
  options: QueueDashboardOptions = {},
): Promise<void> {
  const path = options.path ?? '/admin/queues';
  const queue = app.get<Queue>(getQueueToken(RIPTIDE_QUEUE_NAME), { strict: false });
  const adapter = new BullAdapter(queue, { readOnlyMode: options.readOnly ?? true });
  // bull-board has formatters for data, returnValue, name and progress only: failedReason and
  // stacktrace are shown as bull stored them (the job name is the type, never a payload).
  adapter.setFormatter('data', redactJobData);
  adapter.setFormatter('returnValue', redactJobResult);
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(path);
  createBullBoard({
    queues: [adapter],
    // @bull-board/fastify ships its own copy of @bull-board/api's types; the adapter is the same shape.
    serverAdapter: serverAdapter as unknown as Parameters<
      typeof createBullBoard
    >[0]['serverAdapter'],
    options: { uiConfig: { boardTitle: 'RipTide Workers' } },
  });
  const boardPlugin = serverAdapter.registerPlugin();
  const { authorize } = options;
  // An encapsulated context of its own (a plain plugin, not fastify-plugin), so the access hook
  // applies to the board's routes and to nothing else of the application.
  const dashboardPlugin = (dashboard: FastifyLike, _opts: unknown, done: PluginDone) => {
    if (authorize)
      dashboard.addHook('onRequest', async (request, reply) => {
        let allowed: boolean;
        try {
          allowed = await authorize(request.headers);
        } catch {
          return reply.code(503).send(DASHBOARD_UNAVAILABLE_BODY);
        }
        if (allowed) return undefined;
        return reply
          .code(401)
          .header('WWW-Authenticate', DASHBOARD_AUTH_CHALLENGE)
          .send(DASHBOARD_UNAUTHORIZED_BODY);
      });
    dashboard.register(boardPlugin);
    done();
  };
  const fastify = app.getHttpAdapter().getInstance() as FastifyLike;
  await fastify.register(dashboardPlugin, { prefix: path });
}
