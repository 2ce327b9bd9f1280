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
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(fn);
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
  for (let attempt = 1; ; attempt++) {
    try {
      return await eenPijplijnTransactie(pool, fn);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt >= 3 || code === undefined || !RETRYABLE.has(code)) throw err;
    }
  }
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
  let kapot: unknown;
  try {
    stuur('BEGIN');
    let waarde: T;
    try {
      waarde = await fn({ stuur: (q) => stuur(q.sql, q.parameters) });
    } catch (err) {
      // The transaction may still be open (a statement failed, or fn itself): end it before the client goes back.
      await Promise.allSettled(verstuurd);
      await client.query('ROLLBACK').catch((e: unknown) => {
        kapot = e;
      });
      throw err;
    }
    const commit = stuur('COMMIT');
    const uitkomsten = await Promise.allSettled(verstuurd);
    const fout = uitkomsten.find((u): u is PromiseRejectedResult => u.status === 'rejected');
    if (fout) throw fout.reason;
    if ((await commit).command !== 'COMMIT') throw new Error('the transaction was rolled back at COMMIT');
    return waarde;
  } catch (err) {
    if (
      kapot === undefined &&
      (await client.query('SELECT 1').then(
        () => false,
        () => true,
      ))
    )
      kapot = err;
    throw err;
  } finally {
    // A client whose connection failed is destroyed instead of going back to the pool.
    client.release(
      kapot instanceof Error ? kapot : kapot === undefined ? undefined : new Error(String(kapot)),
    );
  }
}
