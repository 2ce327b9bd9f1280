import { Kysely, PostgresDialect, type PostgresPool } from 'kysely';
import pg from 'pg';
import { type Deadline, DeadlinePassed, withinDeadline } from './deadline.js';
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
    // (withDeadline below, RESPONSE_DEADLINE_MS).
    statement_timeout: STATEMENT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    application_name: 'boom-koppeling',
    // A statement may be sent before the previous one's answer is in: withDeadline sends a transaction's
    // BEGIN with its first statement. A caller that awaits each statement, as kysely does, sees no
    // difference; a statement whose answer never comes closes its connection (pg), so none can follow it.
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
  pools.set(db, pool);
  return {
    db,
    pool,
    async close() {
      await db.destroy();
    },
  };
}

/** The pool under each `db` that createDb made, for withDeadline. */
const pools = new WeakMap<Kysely<Database>, pg.Pool>();

/**
 * `db` bounded by a deadline (a Boom request's RESPONSE_DEADLINE_MS): a kysely over the same pool whose
 * every wait ends by `deadline.at - deadline.margin` (deadlinePool). Cheap to make, one per batch or
 * request; nothing to close. A `db` that createDb did not make (a test's own), or no deadline (Infinity),
 * is answered as it is.
 */
export function withDeadline(db: Kysely<Database>, deadline: Deadline): Kysely<Database> {
  const pool = pools.get(db);
  if (!pool || !Number.isFinite(deadline.at)) return db;
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: deadlinePool(pool, deadline) }) });
}

/**
 * The pool as a deadline-bound kysely sees it (withDeadline):
 * - the wait for a connection ends at the deadline (DeadlinePassed), and so does the wait for each
 *   statement's answer (query_timeout: a dead connection, a statement stuck behind a lock);
 * - a transaction does not start when too little time is left, and its BEGIN sets statement_timeout and
 *   lock_timeout to the time left less the margin, so the server ends its statements and lock waits first;
 *   BEGIN goes out with the transaction's first statement, in one round trip (pg's pipeline mode): a
 *   batch of aanbiedingen waits for three answers (claim, writes, COMMIT), not four;
 * - a connection whose statement failed without an answer from the server (a timeout, a broken socket) is
 *   in doubt: it takes no further statement (so no COMMIT can follow) and is closed, not reused.
 */
function deadlinePool(pool: pg.Pool, deadline: Deadline): PostgresPool {
  return {
    async connect() {
      const end = deadline.at - deadline.margin;
      const client = await withinDeadline(pool.connect(), end, (c) => c.release());
      let inDoubt: Error | undefined;
      let begin: Promise<unknown> | undefined;
      return {
        // biome-ignore lint/suspicious/noExplicitAny: kysely's two overloads (a statement, a cursor) in one
        query: ((sql: any, parameters?: readonly unknown[]) => {
          if (typeof sql !== 'string') return client.query(sql);
          if (inDoubt) return Promise.reject(inDoubt);
          const left = Math.floor(end - performance.now());
          if (left < 1) return Promise.reject(new DeadlinePassed('sending a statement'));
          const send = (text: string, values?: readonly unknown[]) => {
            const p = client.query({ text, values, query_timeout: left } as pg.QueryConfig);
            p.catch((err: unknown) => {
              if (!(err instanceof pg.DatabaseError))
                inDoubt = err instanceof Error ? err : new Error(String(err));
            });
            return p;
          };
          if (sql === 'begin') {
            // Integers computed here, never input: safe to write into the statement.
            const server = left - deadline.margin;
            if (server < deadline.margin) return Promise.reject(new DeadlinePassed('starting a transaction'));
            // Sent now, awaited with the next statement (pipeline mode): if BEGIN failed, that one fails too.
            begin = send(
              `BEGIN; SET LOCAL statement_timeout = ${server}; SET LOCAL lock_timeout = ${server}`,
            );
            return Promise.resolve({ command: 'BEGIN', rowCount: null, rows: [] });
          }
          const p = send(sql, parameters);
          if (!begin) return p;
          const pending = begin;
          begin = undefined;
          return Promise.all([pending, p]).then(([, r]) => r);
        }) as never,
        release: () => client.release(inDoubt),
      };
    },
    end: async () => {}, // the pool is its owner's (DbHandle.close)
  };
}
