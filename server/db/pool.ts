import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from 'pino';
import { ChangeFeed } from './change-feed';
import type { Database, Db } from './database';

// bigint (int8) columns hold sequences and counts well inside 2^53: read them as strings, parse where needed.
export interface PoolOptions {
  connectionString: string;
  /** Role to assume on every connection (`-c role=`), or undefined to stay the connecting role. */
  role?: string;
  max?: number;
  logger: Logger;
}

const feeds = new WeakMap<pg.Pool, ChangeFeed>();

/**
 * A pg pool that survives the database going away: idle-client errors are logged, not thrown;
 * connections and statements time out instead of hanging a request. Each has a change feed on the
 * same database as the same role (changeFeedOf), started on first use and closed by `end()`.
 */
export function createPool(opts: PoolOptions): pg.Pool {
  const connection = {
    connectionString: opts.connectionString,
    connectionTimeoutMillis: 5_000,
    options: opts.role ? `-c role=${opts.role}` : undefined,
  };
  const pool = new pg.Pool({
    ...connection,
    max: opts.max ?? 10,
    idleTimeoutMillis: 30_000,
    statement_timeout: 15_000,
    idle_in_transaction_session_timeout: 30_000,
    application_name: 'vendor-response-portal',
  });
  pool.on('error', (err) => opts.logger.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, 'idle database client failed'));
  const feed = new ChangeFeed(connection, opts.logger);
  feeds.set(pool, feed);
  const end = pool.end.bind(pool);
  pool.end = (async () => {
    await feed.close();
    await end();
  }) as typeof pool.end;
  return pool;
}

/** The change feed of a pool made by createPool (none for another pool: nothing is then kept). */
export const changeFeedOf = (pool: pg.Pool): ChangeFeed | undefined => feeds.get(pool);

/** The connection string and assumed role a pool was made with (createPool), to connect another process the same way. */
export function poolConnection(pool: pg.Pool): { connectionString: string; role?: string } {
  const role = /^-c role=(\S+)$/.exec(pool.options.options ?? '')?.[1];
  return { connectionString: pool.options.connectionString!, role };
}

/** Kysely over an existing pool. Destroying the Kysely ends the pool. */
export function createDb(pool: pg.Pool): Db {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** True when `role` exists and the connecting user may assume it. */
export async function canAssumeRole(connectionString: string, role: string): Promise<boolean> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const res = await client.query(
      `SELECT 1 FROM pg_roles WHERE rolname = $1 AND pg_has_role(current_user, oid, 'MEMBER')`, [role]);
    return res.rowCount === 1;
  } finally {
    await client.end();
  }
}
