import { Kysely, PostgresDialect, type PostgresPool } from 'kysely';
import pg from 'pg';
import { binnenTermijn } from './termijn.js';
import type { Database } from './types.js';

// `date` columns stay 'YYYY-MM-DD' strings: a test date has no time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export interface DbHandle {
  db: Kysely<Database>;
  pool: pg.Pool;
  /** `db` with every wait for a connection and an answer bounded by `ms` (begrensdeDb); else `db` itself. */
  begrensd?: (ms: number) => Kysely<Database>;
  close(): Promise<void>;
}

interface Log {
  warn(obj: object, msg: string): void;
}

/** The server ends a statement after this; the client gives up on one this much later (a dead connection). */
const STATEMENT_TIMEOUT_MS = 30_000;
const QUERY_TIMEOUT_MS = STATEMENT_TIMEOUT_MS + 5_000;

export function createDb(connectionString: string, opts: { max: number; log: Log }): DbHandle {
  const pool = new pg.Pool({
    connectionString,
    max: opts.max,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    // A statement that hangs (a lock, a dead server) must not hold a request forever: the server ends it
    // after statement_timeout; query_timeout ends the wait for an answer on a connection whose server is
    // gone without a word (a failover, a half-open socket), and drops that connection. TCP keepalive finds
    // such a connection while it is idle in the pool. The ingest bounds its own statements much tighter
    // (src/db/transaction.ts, ANTWOORDTIJD_MS).
    statement_timeout: STATEMENT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    application_name: 'boom-koppeling',
    // A statement may be sent before the previous one's answer is in (inPijplijnTransactie); a caller that
    // awaits each statement, as kysely does, sees no difference.
    pipeline: true,
  });
  // Without a listener an idle client's error (the server restarting) would crash the process.
  pool.on('error', (err) => opts.log.warn({ err: { message: err.message } }, 'idle database client failed'));
  // The pool listens only to idle clients. A checked-out client (between the statements of a transaction)
  // whose server goes away emits 'error' with no listener: an uncaught exception that took the whole
  // process down when PostgreSQL restarted under load. Its query in flight fails by itself (503), and the
  // pool drops the broken client when it is released.
  pool.on('connect', (client) => {
    client.on('error', (err) => opts.log.warn({ err: { message: err.message } }, 'database client failed'));
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    pool,
    begrensd: (ms) => begrensdeDb(pool, ms),
    async close() {
      await db.destroy();
    },
  };
}

/**
 * kysely over the same pool, for the requests of Boom (ANTWOORDTIJD_MS): the wait for a connection and every
 * statement's answer are bounded by `ms`. A statement past it fails with 'Query read timeout' and its
 * connection is closed (a pipelined connection cannot be reused with a statement still in flight). Closing
 * it leaves the pool to its owner (`DbHandle.close`).
 */
export function begrensdeDb(pool: pg.Pool, ms: number): Kysely<Database> {
  const begrensd: PostgresPool = {
    async connect() {
      const client = await binnenTermijn(pool.connect(), performance.now() + ms, (c) => c.release());
      return {
        // biome-ignore lint/suspicious/noExplicitAny: kysely's two overloads (a statement, a cursor) in one
        query: ((sql: any, parameters?: readonly unknown[]) =>
          typeof sql === 'string'
            ? client.query({ text: sql, values: parameters, query_timeout: ms } as pg.QueryConfig)
            : client.query(sql)) as never,
        release: () => client.release(),
      };
    },
    end: async () => {},
  };
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: begrensd }) });
}
