import { sql } from 'kysely';
import type { Db } from '../db/types.js';

/**
 * Moves the feed's readable bound forward (wijzigingen_grens_zetten(), migrations/0009): the positie up to
 * which no transaction still running can add a row. Its own statement, so its own transaction, as the
 * proof needs; answers the positie readable as of this run. `gemeld` is the positie announced last: a
 * higher one is announced with NOTIFY boom_wijzigingen on commit.
 */
export async function zetGrens(db: Db, gemeld?: number): Promise<number> {
  const { rows } = await sql<{ leesbaar: string }>`
    SELECT wijzigingen_grens_zetten(${gemeld ?? null}::bigint) AS leesbaar`.execute(db);
  return Number(rows[0]?.leesbaar ?? 0);
}

interface Log {
  warn(obj: object, msg: string): void;
}

/**
 * The service moves the bound every `ms` (a second): a committed change is readable after the next run
 * once the transactions that were running at that run have ended. Several instances doing it is harmless.
 * Answers the function that stops it.
 */
export function planGrens(db: Db, log: Log, ms = 1000): () => void {
  let gemeld: number | undefined;
  let bezig = false;
  const run = () => {
    if (bezig) return;
    bezig = true;
    zetGrens(db, gemeld)
      .then((leesbaar) => {
        gemeld = Math.max(gemeld ?? 0, leesbaar);
      })
      .catch((err) => log.warn({ err: { message: (err as Error).message } }, 'feed bound not moved'))
      .finally(() => {
        bezig = false;
      });
  };
  const timer = setInterval(run, ms);
  timer.unref();
  run();
  return () => clearInterval(timer);
}
