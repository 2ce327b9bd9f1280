import type { Kysely, Transaction } from 'kysely';
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
