import { sql } from 'kysely';
import type { Db } from '../db/types.js';

/**
 * Removes feed rows recorded more than `dagen` days ago, oldest first, `perKeer` rows per statement (each
 * its own short transaction, so no lock or WAL burst grows with the backlog). A reader whose last positie is
 * older than that has to start again from the tables (docs/database.md).
 */
export async function verwijderOudeWijzigingen(db: Db, dagen: number, perKeer = 5000): Promise<number> {
  // The first positie to keep, found once along the primary key (old rows come first); all of them when
  // every row is old.
  const { rows } = await sql<{ grens: string | null }>`
    SELECT coalesce((SELECT positie FROM wijzigingen
                      WHERE vastgelegd_op >= now() - make_interval(days => ${dagen})
                      ORDER BY positie LIMIT 1),
                    (SELECT max(positie) + 1 FROM wijzigingen)) AS grens`.execute(db);
  const grens = rows[0]?.grens;
  if (grens === null || grens === undefined) return 0;
  let totaal = 0;
  for (;;) {
    const res = await sql`
      DELETE FROM wijzigingen
       WHERE positie IN (SELECT positie FROM wijzigingen WHERE positie < ${grens}::bigint
                          ORDER BY positie LIMIT ${perKeer})`.execute(db);
    const n = Number(res.numAffectedRows ?? 0);
    totaal += n;
    if (n < perKeer) return totaal;
  }
}
