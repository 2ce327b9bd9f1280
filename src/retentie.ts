import { sql } from 'kysely';
import type { Executor } from './db/types.js';

/** Deliveries walked per statement (and so per transaction): well within the statement timeout. */
export const RETENTIE_STAP = 5000;

/**
 * Removes the stored bodies of deliveries older than `dagen` days, keeping their hashes, counts and
 * statuses (data minimisation: the results themselves live on in toetsresultaten and the history).
 *
 * In steps: each statement takes the next `stap` deliveries older than the limit, newest first along the
 * index `aanbiedingen_lijst_idx` (keyset, from where the previous step ended), and clears the bodies among
 * them. A step's work is bounded whatever the backlog, each step commits on its own, and the walk ends
 * when a step finds fewer than `stap` deliveries, so any backlog clears in one run.
 */
export async function verwijderOudeBerichten(
  db: Executor,
  dagen: number,
  stap: number = RETENTIE_STAP,
): Promise<number> {
  const { rows } = await sql<{ grens: string }>`
    SELECT (now() - make_interval(days => ${dagen}))::text AS grens`.execute(db);
  const grens = rows[0]?.grens as string;
  // The cursor: the oldest delivery of the previous step, as text so its microseconds survive the round trip.
  let op = grens;
  let id = 'ffffffff-ffff-ffff-ffff-ffffffffffff';
  let geleegd = 0;
  for (;;) {
    const res = await sql<{ geleegd: number; gezien: number; op: string | null; id: string | null }>`
      WITH stap AS (
        SELECT id, ontvangen_op FROM aanbiedingen
        WHERE ontvangen_op < ${grens}::timestamptz AND (ontvangen_op, id) < (${op}::timestamptz, ${id}::uuid)
        ORDER BY ontvangen_op DESC, id DESC
        LIMIT ${stap}
      ), geleegd AS (
        UPDATE aanbiedingen a SET bericht = NULL, bericht_verwijderd_op = now()
        FROM stap WHERE a.id = stap.id AND a.bericht IS NOT NULL
        RETURNING 1
      ), laatste AS (
        SELECT ontvangen_op::text AS op, id::text AS id FROM stap ORDER BY ontvangen_op, id LIMIT 1
      )
      SELECT (SELECT count(*)::int FROM geleegd) AS geleegd, (SELECT count(*)::int FROM stap) AS gezien,
             (SELECT op FROM laatste) AS op, (SELECT id FROM laatste) AS id`.execute(db);
    const r = res.rows[0];
    geleegd += r?.geleegd ?? 0;
    if (!r || r.gezien < stap || r.op === null || r.id === null) return geleegd;
    op = r.op;
    id = r.id;
  }
}
