import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import type { Gevonden, Huidig, Leerling } from './beslissing.js';
import type { TeVerwerken } from './types.js';

/** The lookups of a whole batch: one query each for pupils, tests with onderdelen, and current results. */
export async function zoekOp(
  trx: Transaction<Database>,
  schoolId: string,
  items: TeVerwerken[],
  keys: string[],
): Promise<Gevonden> {
  const nummers = [...new Set(items.map((i) => i.resultaat.boomLeerlingnummer))];
  const toetsCodes = [...new Set(items.map((i) => i.resultaat.toets.code))];

  const [leerlingRows, toetsRows, huidigRows] = await Promise.all([
    trx
      .selectFrom('leerlingen')
      .select(['leerling_id', 'boom_leerlingnummer', 'toetsdoel'])
      .where('school_id', '=', schoolId)
      .where('boom_leerlingnummer', '=', sql<string>`ANY(${nummers}::text[])`)
      .execute(),
    sql<{ code: string; onderdelen: string[] }>`
      SELECT t.code, coalesce(array_agg(o.code) FILTER (WHERE o.code IS NOT NULL), '{}') AS onderdelen
        FROM toetsen t LEFT JOIN toetsonderdelen o ON o.toets_code = t.code
       WHERE t.code = ANY(${toetsCodes}::text[])
       GROUP BY t.code`.execute(trx),
    trx
      .selectFrom('toetsresultaten')
      .select(['resultaat_key', 'revisie', 'inhoud_hash'])
      .where('school_id', '=', schoolId)
      .where('resultaat_key', '=', sql<string>`ANY(${keys}::text[])`)
      .execute(),
  ]);

  const leerlingen = new Map<string, Leerling>();
  for (const l of leerlingRows) {
    if (l.boom_leerlingnummer !== null) {
      leerlingen.set(l.boom_leerlingnummer, { leerlingId: l.leerling_id, toetsdoel: l.toetsdoel });
    }
  }
  const toetsen = new Map(toetsRows.rows.map((t) => [t.code, new Set(t.onderdelen)]));
  const huidig = new Map<string, Huidig>(
    huidigRows.map((h) => [h.resultaat_key, { revisie: h.revisie, hash: h.inhoud_hash }]),
  );
  return { leerlingen, toetsen, huidig };
}
