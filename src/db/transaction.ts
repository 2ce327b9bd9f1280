import type { Kysely, Transaction } from 'kysely';
import type { Deadline } from './deadline.js';
import { withDeadline } from './pool.js';
import type { Database } from './types.js';

// Deadlock and serialization failures are safe to run again: the transaction left nothing behind.
const RETRYABLE = new Set(['40P01', '40001']);

/**
 * Runs `fn` in one transaction, again (up to 3 times) when PostgreSQL aborted it for a deadlock or a
 * serialization failure. With a `deadline` it is over by `at - margin`, or it fails with nothing kept
 * (src/db/pool.ts, withDeadline): it does not start when too little time is left, the wait for a connection
 * and every statement's answer end then, and the server ends each statement and lock wait before it.
 */
export async function inTransaction<T>(
  db: Kysely<Database>,
  fn: (trx: Transaction<Database>) => Promise<T>,
  deadline?: Deadline,
): Promise<T> {
  const begrensd = deadline ? withDeadline(db, deadline) : db;
  for (let attempt = 1; ; attempt++) {
    try {
      return await begrensd.transaction().execute(fn);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt >= 3 || code === undefined || !RETRYABLE.has(code)) throw err;
    }
  }
}
