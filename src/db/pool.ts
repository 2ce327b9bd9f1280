import { Kysely, PostgresDialect, type PostgresPool } from 'kysely';
import pg from 'pg';
import { currentDeadline, DeadlinePassed, withinDeadline } from './deadline.js';
import type { Database } from './types.js';

// `date` columns stay 'YYYY-MM-DD' strings: a test date has no time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export interface DbHandle {
  db: Kysely<Database>;
  /** The pool under `db`, for its statistics (the metrics). */
  pool: pg.Pool;
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
    // (deadlinePool below, RESPONSE_DEADLINE_MS).
    statement_timeout: STATEMENT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    application_name: 'boom-koppeling',
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
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: deadlinePool(pool) }) });
  return {
    db,
    pool,
    async close() {
      await db.destroy();
    },
  };
}

/**
 * The pool as kysely sees it, bounded by the deadline of the work it runs for (withDeadline, src/db/deadline.ts;
 * a Boom request's RESPONSE_DEADLINE_MS). Outside one it is the pool itself. Inside one:
 * - the wait for a connection ends at the deadline (DeadlinePassed), and so does the wait for each
 *   statement's answer (query_timeout: a dead connection, a statement stuck behind a lock);
 * - a transaction does not start when too little time is left, and its BEGIN sets statement_timeout and
 *   lock_timeout to the time left less the margin, so the server ends its statements and lock waits first;
 * - a connection whose statement failed without an answer from the server (a timeout, a broken socket) is
 *   in doubt: it takes no further statement (so no COMMIT can follow) and is closed, not reused.
 */
function deadlinePool(pool: pg.Pool): PostgresPool {
  return {
    async connect() {
      const deadline = currentDeadline();
      if (!deadline) return pool.connect();
      const end = deadline.at - deadline.margin;
      const client = await withinDeadline(pool.connect(), end, (c) => c.release());
      let inDoubt: Error | undefined;
      return {
        // biome-ignore lint/suspicious/noExplicitAny: kysely's two overloads (a statement, a cursor) in one
        query: ((sql: any, parameters?: readonly unknown[]) => {
          if (typeof sql !== 'string') return client.query(sql);
          if (inDoubt) return Promise.reject(inDoubt);
          const left = Math.floor(end - performance.now());
          let text = sql;
          if (sql === 'begin') {
            // Integers computed here, never input: safe to write into the statement.
            const server = left - deadline.margin;
            if (server < deadline.margin) return Promise.reject(new DeadlinePassed('starting a transaction'));
            text = `BEGIN; SET LOCAL statement_timeout = ${server}; SET LOCAL lock_timeout = ${server}`;
          }
          if (left < 1) return Promise.reject(new DeadlinePassed('sending a statement'));
          const config = { text, values: parameters, query_timeout: left } as pg.QueryConfig;
          const p = client.query(config);
          p.catch((err: unknown) => {
            if (!(err instanceof pg.DatabaseError))
              inDoubt = err instanceof Error ? err : new Error(String(err));
          });
          return p;
        }) as never,
        release: () => client.release(inDoubt),
      };
    },
    end: () => pool.end(),
  };
}
