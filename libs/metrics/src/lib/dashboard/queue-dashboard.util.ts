import { INestApplication } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bull';
import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { RIPTIDE_QUEUE_NAME } from '@riptide/queue';
import type { Queue } from 'bull';

/** Options of mountQueueDashboard. */
export interface QueueDashboardOptions {
  /** URL path of the dashboard. Default `/admin/queues`. */
  path?: string;
  /** Without it the dashboard only shows; with `false` it can also retry, promote and remove jobs. Default true. */
  readOnly?: boolean;
}

interface FastifyLike {
  register(plugin: unknown, options: { prefix: string }): unknown;
}

/**
 * Mounts bull-board on the application's Fastify instance, showing the RipTide queue. Call it
 * after NestFactory.create and before listen (QueueModule must be in the application).
 */
export async function mountQueueDashboard(app: INestApplication, options: QueueDashboardOptions = {}): Promise<void> {
  const path = options.path ?? '/admin/queues';
  const queue = app.get<Queue>(getQueueToken(RIPTIDE_QUEUE_NAME), { strict: false });
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(path);
  createBullBoard({
    queues: [new BullAdapter(queue, { readOnlyMode: options.readOnly ?? true })],
    // @bull-board/fastify ships its own copy of @bull-board/api's types; the adapter is the same shape.
    serverAdapter: serverAdapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'],
    options: { uiConfig: { boardTitle: 'RipTide Workers' } },
  });
  const fastify = app.getHttpAdapter().getInstance() as FastifyLike;
  await fastify.register(serverAdapter.registerPlugin(), { prefix: path });
}
