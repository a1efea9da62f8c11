import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from 'pino';

/** The channel the change triggers notify (migrations/2026-12-02T1800_change_notify.ts). */
export const CHANGES_CHANNEL = 'vrp_changes';
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 30_000;
const BARRIER = 'barrier:';

/**
 * Whether what this process read from the sign-in tables may have changed since: a generation
 * number that moves on every `NOTIFY vrp_changes` (any committed change to api_tokens, users,
 * conflicts or audit_events, from any process), on every change this process commits (`bump`,
 * before the response that follows it), and whenever the LISTEN connection is lost or regained. A
 * value read at generation G may be reused while the generation is still G and the feed is live;
 * while it is not live nothing may be reused. docs/credential-cache.md.
 *
 * Started on first use (`start`), so processes that never look up a credential (the worker, the
 * CLI, the export process) hold no extra connection. Reconnects with a growing delay (1 s to 30 s).
 */
export class ChangeFeed {
  #generation = 0;
  #state: 'idle' | 'connecting' | 'live' | 'waiting' | 'closed' = 'idle';
  #client: pg.Client | undefined;
  #retryMs = RETRY_FIRST_MS;
  #timer: NodeJS.Timeout | undefined;
  readonly #barriers = new Map<string, () => void>();

  constructor(private readonly config: pg.ClientConfig, private readonly logger: Logger) {}

  get generation(): number { return this.#generation; }
  /** True while LISTEN is in place: only then does an unchanged generation mean "unchanged". */
  get live(): boolean { return this.#state === 'live'; }

  start(): void {
    if (this.#state === 'idle') void this.#connect();
  }

  /** This process committed a change: nothing read before now may be reused. */
  bump(): void {
    this.#generation += 1;
  }

  /**
   * Resolves once every change committed before the call has been seen (PostgreSQL delivers a
   * listener's notifications in commit order, so a notification sent after them arrives after them).
   * For callers that changed the tables outside a request, such as tests and operators' scripts.
   */
  async caughtUp(pool: pg.Pool): Promise<void> {
    if (!this.live) return;
    const id = `${BARRIER}${randomUUID()}`;
    const seen = new Promise<void>((resolve) => this.#barriers.set(id, resolve));
    await pool.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, id]);
    await seen;
  }

  async close(): Promise<void> {
    this.#state = 'closed';
    clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    this.#releaseBarriers();
    await client?.end().catch(() => undefined);
  }

  async #connect(): Promise<void> {
    this.#state = 'connecting';
    const client = new pg.Client({ ...this.config, keepAlive: true, application_name: 'vendor-response-portal-changes' });
    this.#client = client;
    client.on('error', (err) => this.#lost(client, err));
    client.on('end', () => this.#lost(client));
    client.on('notification', (n) => this.#notified(n));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
      if (this.#client !== client) return;
      this.#generation += 1; // whatever changed while no one listened
      this.#state = 'live';
      this.#retryMs = RETRY_FIRST_MS;
    } catch (err) {
      this.#lost(client, err as Error);
    }
  }

  #notified(n: pg.Notification): void {
    if (n.channel !== CHANGES_CHANNEL) return;
    this.#generation += 1;
    const barrier = n.payload?.startsWith(BARRIER) ? this.#barriers.get(n.payload) : undefined;
    if (barrier) {
      this.#barriers.delete(n.payload!);
      barrier();
    }
  }

  #lost(client: pg.Client, err?: Error): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    this.#generation += 1;
    this.#releaseBarriers();
    client.end().catch(() => undefined);
    if (this.#state === 'closed') return;
    this.logger.warn({ err: err && { message: err.message }, retryMs: this.#retryMs }, 'change feed lost; credential lookups are not kept until it is back');
    this.#state = 'waiting';
    this.#timer = setTimeout(() => void this.#connect(), this.#retryMs);
    this.#timer.unref();
    this.#retryMs = Math.min(this.#retryMs * 2, RETRY_MAX_MS);
  }

  /** A barrier waits no longer once the feed is down: nothing is reused then anyway. */
  #releaseBarriers(): void {
    for (const resolve of this.#barriers.values()) resolve();
    this.#barriers.clear();
  }
}
