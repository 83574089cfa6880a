import { Injectable, OnModuleInit } from '@nestjs/common';
import { PrometheusService } from '@riptide/metrics';
import { Counter, Gauge } from 'prom-client';
import { EmbeddedRedisServer } from './embedded-redis-server';

/** The metric names' prefix: the metrics library's default, which the hosts keep. */
const PREFIX = 'riptide_';

/**
 * Puts the embedded redis-server on the host's /metrics: whether it runs, how often it had to be
 * restarted and when last, so a crash-looping server shows up on a dashboard and not only in a log.
 */
@Injectable()
export class EmbeddedRedisMetrics implements OnModuleInit {
  constructor(
    private readonly prometheus: PrometheusService,
    private readonly server: EmbeddedRedisServer,
  ) {}

  onModuleInit(): void {
    const registers = [this.prometheus.registry];
    const status = () => this.server.status();
    new Gauge({
      name: `${PREFIX}embedded_redis_up`,
      help: 'Whether the embedded redis-server of this process runs (1) or is down and being restarted (0)',
      registers,
      collect() {
        this.set(status().running ? 1 : 0);
      },
    });
    new Counter({
      name: `${PREFIX}embedded_redis_restarts_total`,
      help: 'Restarts of the embedded redis-server after it died, since this process started',
      registers,
      collect() {
        this.reset();
        this.inc(status().restarts);
      },
    });
    new Gauge({
      name: `${PREFIX}embedded_redis_last_restart_timestamp_seconds`,
      help: 'When the embedded redis-server was last restarted (0: never)',
      registers,
      collect() {
        this.set((status().lastRestartAt?.getTime() ?? 0) / 1000);
      },
    });
  }
}
