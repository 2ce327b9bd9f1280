import type { CompiledQuery, Kysely, Transaction } from 'kysely';
import type pg from 'pg';
import { binnenTermijn, TermijnVerstreken } from './termijn.js';
import type { Database } from './types.js';

// Deadlock and serialization failures are safe to run again: the transaction left nothing behind.
const RETRYABLE = new Set(['40P01', '40001']);

/** Runs `fn` in one transaction, again (up to 3 times) when PostgreSQL aborted it for a deadlock. */
export async function inTransaction<T>(
  db: Kysely<Database>,
  fn: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  return opnieuwNaDeadlock(() => db.transaction().execute(fn));
}

async function opnieuwNaDeadlock<T>(transactie: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transactie();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt >= 3 || code === undefined || !RETRYABLE.has(code)) throw err;
    }
  }
}

/** Statements sent on one connection without waiting for each other (node-postgres pipelining). */
export interface Pijplijn {
  /** Sends a statement now; the promise is its result. Statements run in the order they were sent. */
  stuur<R = Record<string, unknown>>(query: CompiledQuery): Promise<pg.QueryResult<R & pg.QueryResultRow>>;
}

/**
 * When a transaction must be done (ANTWOORDTIJD_MS): `uiterlijk` is a performance.now() time by which its
 * caller must have an answer, `marge` what the caller keeps for itself (sending that answer).
 */
export interface Termijn {
  uiterlijk: number;
  marge: number;
}

/**
 * A transaction with as few round trips as it can have: BEGIN goes out with the first statement, and
 * COMMIT right behind the last one that `fn` sent without waiting for it. The pool's connections must be
 * made with `pipeline: true` (src/db/pool.ts). If any statement fails, PostgreSQL has aborted the
 * transaction and answers the COMMIT with a rollback: the error is thrown, nothing was committed.
 * Like inTransaction, runs `fn` again (up to 3 times) after a deadlock or serialization failure.
 *
 * With a `termijn` it is over by `uiterlijk - marge`, or it fails with nothing kept: it does not start when
 * too little time is left (TermijnVerstreken), the wait for a connection ends at that time, the server ends
 * each statement (and its lock waits) before it (statement_timeout and lock_timeout, SET LOCAL before each
 * statement, from the time left), and a statement whose answer has not come by then (a dead connection)
 * fails with 'Query read timeout' and closes its connection, so that no COMMIT can follow.
 */
export async function inPijplijnTransactie<T>(
  pool: pg.Pool,
  fn: (p: Pijplijn) => Promise<T>,
  termijn?: Termijn,
): Promise<T> {
  return opnieuwNaDeadlock(() => eenPijplijnTransactie(pool, fn, termijn));
}

async function eenPijplijnTransactie<T>(
  pool: pg.Pool,
  fn: (p: Pijplijn) => Promise<T>,
  termijn: Termijn | undefined,
): Promise<T> {
  // The client gives up at `einde`; the server must have ended a statement a margin before that.
  const einde = termijn ? termijn.uiterlijk - termijn.marge : Number.POSITIVE_INFINITY;
  const serverRest = () => Math.floor(einde - (termijn?.marge ?? 0) - performance.now());
  if (termijn && serverRest() < termijn.marge) throw new TermijnVerstreken('starting a transaction');
  const client = termijn
    ? await binnenTermijn(pool.connect(), einde, (c) => c.release())
    : await pool.connect();
  const verstuurd: Array<Promise<unknown>> = [];
  const stuur = <R>(sql: string, parameters?: readonly unknown[]) => {
    const config: pg.QueryConfig & { query_timeout?: number } = {
      text: sql,
      values: parameters as unknown[] | undefined,
    };
    if (termijn) config.query_timeout = Math.max(1, Math.floor(einde - performance.now()));
    const p = client.query<R & pg.QueryResultRow>(config);
    p.catch(() => {}); // handled below, when the transaction is settled; no unhandled rejection meanwhile
    verstuurd.push(p);
    return p;
  };
  // Integers computed here, never input: safe to write into the statement.
  const grens = () => {
    const ms = Math.max(1, serverRest());
    return `SET LOCAL statement_timeout = ${ms}; SET LOCAL lock_timeout = ${ms}`;
  };
  try {
    stuur(termijn ? `BEGIN; ${grens()}` : 'BEGIN');
    const waarde = await fn({
      stuur: (q) => {
        if (termijn) stuur(grens());
        return stuur(q.sql, q.parameters);
      },
    });
    const commit = stuur('COMMIT');
    const uitkomsten = await Promise.allSettled(verstuurd);
    const fout = uitkomsten.find((u): u is PromiseRejectedResult => u.status === 'rejected');
    if (fout) throw fout.reason;
    if ((await commit).command !== 'COMMIT') throw new Error('the transaction was rolled back at COMMIT');
    client.release();
    return waarde;
  } catch (err) {
    // Whatever failed (a statement, fn itself, the connection), the connection is closed rather than
    // reused once every statement sent has answered: PostgreSQL rolls back a transaction still open on it.
    await Promise.allSettled(verstuurd);
    client.release(err instanceof Error ? err : new Error(String(err)));
    throw err;
  }
}
