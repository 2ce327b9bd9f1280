import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './types.js';

// `date` columns stay 'YYYY-MM-DD' strings: a test date has no time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export interface DbHandle {
  db: Kysely<Database>;
  pool: pg.Pool;
  close(): Promise<void>;
}

interface Log {
  warn(obj: object, msg: string): void;
}

export function createDb(connectionString: string, opts: { max: number; log: Log }): DbHandle {
  const pool = new pg.Pool({
    connectionString,
    max: opts.max,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    // A statement that hangs (a lock, a dead server) must not hold a request forever.
    statement_timeout: 30_000,
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
    async close() {
      await db.destroy();
    },
  };
}
