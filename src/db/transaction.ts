import type { CompiledQuery, Kysely, Transaction } from 'kysely';
import type pg from 'pg';
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
 * A transaction with as few round trips as it can have: BEGIN goes out with the first statement, and
 * COMMIT right behind the last one that `fn` sent without waiting for it. The pool's connections must be
 * made with `pipeline: true` (src/db/pool.ts). If any statement fails, PostgreSQL has aborted the
 * transaction and answers the COMMIT with a rollback: the error is thrown, nothing was committed.
 * Like inTransaction, runs `fn` again (up to 3 times) after a deadlock or serialization failure.
 */
export async function inPijplijnTransactie<T>(pool: pg.Pool, fn: (p: Pijplijn) => Promise<T>): Promise<T> {
  return opnieuwNaDeadlock(() => eenPijplijnTransactie(pool, fn));
}

async function eenPijplijnTransactie<T>(pool: pg.Pool, fn: (p: Pijplijn) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const verstuurd: Array<Promise<unknown>> = [];
  const stuur = <R>(sql: string, parameters?: readonly unknown[]) => {
    const p = client.query<R & pg.QueryResultRow>(sql, parameters as unknown[] | undefined);
    p.catch(() => {}); // handled below, when the transaction is settled; no unhandled rejection meanwhile
    verstuurd.push(p);
    return p;
  };
  try {
    stuur('BEGIN');
    const waarde = await fn({ stuur: (q) => stuur(q.sql, q.parameters) });
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
