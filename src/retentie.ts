import { sql } from 'kysely';
import type { Executor } from './db/types.js';

/**
 * Removes the stored bodies of deliveries older than `dagen` days, keeping their hashes, counts and
 * statuses (data minimisation: the results themselves live on in toetsresultaten and the history).
 */
export async function verwijderOudeBerichten(db: Executor, dagen: number): Promise<number> {
  const res = await db
    .updateTable('aanbiedingen')
    .set({ bericht: null, bericht_verwijderd_op: sql<Date>`now()` })
    .where('bericht', 'is not', null)
    .where('ontvangen_op', '<', sql<Date>`now() - make_interval(days => ${dagen})`)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}
