import { createHash } from 'node:crypto';
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

/** At most this many distinct statements are prepared per connection; any further ones run unnamed. */
const MAX_VOORBEREID = 200;
const namen = new Map<string, string>();

function naamVoor(text: string): string | undefined {
  let naam = namen.get(text);
  if (naam === undefined && namen.size < MAX_VOORBEREID) {
    naam = `bk_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
    namen.set(text, naam);
  }
  return naam;
}

/**
 * Named (prepared) statements for every query with parameters: PostgreSQL parses and analyses each
 * statement once per connection, and may keep a generic plan, instead of doing it on every call. The
 * name is a hash of the text, so one text is one statement; kysely's SQL is fixed per call site (arrays
 * and jsonb carry the batches), so the set stays small, and it is bounded anyway.
 */
function bereidVoor(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (config: unknown, values?: unknown) => unknown;
  (client as { query: unknown }).query = (config: unknown, values?: unknown) => {
    if (typeof config === 'string' && Array.isArray(values) && values.length > 0) {
      const name = naamVoor(config);
      if (name !== undefined) return query({ name, text: config, values });
    }
    return query(config, values);
  };
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
  });
  // Without a listener an idle client's error (the server restarting) would crash the process.
  pool.on('error', (err) => opts.log.warn({ err: { message: err.message } }, 'idle database client failed'));
  // The pool listens only to idle clients. A checked-out client (between the statements of a transaction)
  // whose server goes away emits 'error' with no listener: an uncaught exception that took the whole
  // process down when PostgreSQL restarted under load. Its query in flight fails by itself (503), and the
  // pool drops the broken client when it is released.
  pool.on('connect', (client) => {
    client.on('error', (err) => opts.log.warn({ err: { message: err.message } }, 'database client failed'));
    bereidVoor(client);
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
