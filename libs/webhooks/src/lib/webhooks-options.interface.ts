/** Options of WebhooksModule.forRoot / forRootAsync. */
export interface WebhooksModuleOptions {
  /** Redis URL, the same Redis as the queue's (QueueModule's `redisUrl`). */
  redisUrl: string;
  /** The queue's key prefix. Default `riptide`. */
  prefix?: string;
  /**
   * Whether this process dispatches the job events to webhooks and sends the deliveries (worker
   * hosts). Without it the module only offers the secrets, subscriptions and delivery records.
   * Default false.
   */
  dispatch?: boolean;
  /** Webhook targets may be private, loopback or link-local (CRAWL_ALLOW_PRIVATE_NETWORKS). Default false. */
  allowPrivateNetworks?: boolean;
  /** CIDR ranges allowed even when private networks are not. Default none. */
  allowedNetworks?: string[];
  /** User-Agent of the deliveries. Default `RipTide-Webhooks/1.0`. */
  userAgent?: string;
  /** How long a rotated-out secret still signs deliveries (WEBHOOK_SECRET_OVERLAP_SECONDS). Default 86400. */
  secretOverlapSecs?: number;
  /** Executions of one delivery, the first included (WEBHOOK_MAX_ATTEMPTS). Default 8. */
  maxAttempts?: number;
  /** Wait before the first retry; each further one doubles it (WEBHOOK_BACKOFF_BASE_MS). Default 30000. */
  backoffBaseMs?: number;
  /** Time limit of one delivery request, connect to last byte (WEBHOOK_TIMEOUT_MS). Default 10000. */
  timeoutMs?: number;
  /** How long a job's delivery record is kept after its last attempt (RESULT_TTL_SECS). Default 3600. */
  recordTtlSecs?: number;
  /**
   * Deliveries sent at once by this process (WEBHOOK_CONCURRENCY). They wait on receivers, not on
   * this CPU: at 16, receivers answering in 200 ms capped a process at 80 deliveries a second.
   * Default 64.
   */
  concurrency?: number;
  /** Outbox entries a dead dispatcher held this long are taken over. Default 60000. */
  claimIdleMs?: number;
  /** Longest one read of the outbox blocks. Default 2000. */
  blockMs?: number;
  /** Names this process in the outbox consumer group. Default `<host>:<pid>:<random>`. */
  consumerName?: string;
  /** Longest a call of the API side waits for Redis. Default 1500. */
  commandTimeoutMs?: number;
}

/** Options with every default applied. */
export type ResolvedWebhooksOptions = Required<WebhooksModuleOptions>;
