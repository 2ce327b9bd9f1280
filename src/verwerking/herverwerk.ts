import { sql, type Transaction } from 'kysely';
import type { BoomResultaat } from '../boom/schema.js';
import type { Database } from '../db/types.js';
import { claimEnZoekOp } from './opzoeken.js';
import type { Uitkomst } from './types.js';
import { type Groep, verwerkGroepen } from './verwerk.js';

/**
 * Takes the locks of the result keys of these foutmeldingen (verwerking_vergrendel_fouten, migrations/0005),
 * as a delivery from Boom takes them: before locking a foutmelding's row, so that a retry and a delivery
 * of one key queue instead of deadlocking.
 */
async function vergrendelSleutelsVanFouten(trx: Transaction<Database>, foutIds: string[]): Promise<void> {
  await sql`SELECT verwerking_vergrendel_fouten(${foutIds}::uuid[])`.execute(trx);
}

/**
 * Handles the given open foutmeldingen again, in the caller's transaction: per school, in order of
 * revisie. Answers the outcome per foutmelding id (ids that are not open are left out). A success
 * marks the foutmelding `opgelost`; another error keeps it `open` with its new code.
 */
export async function herverwerkFoutmeldingen(
  trx: Transaction<Database>,
  foutIds: string[],
): Promise<Map<string, Uitkomst>> {
  const uitkomsten = new Map<string, Uitkomst>();
  if (foutIds.length === 0) return uitkomsten;
  await vergrendelSleutelsVanFouten(trx, foutIds);
  const { rows } = await sql<{ id: string; school_id: string; resultaat: BoomResultaat }>`
    SELECT f.id, f.school_id, f.resultaat
      FROM foutmeldingen f
     WHERE f.id = ANY(${foutIds}::uuid[]) AND f.status = 'open'
     ORDER BY f.school_id, f.revisie, f.aangemaakt_op, f.id
       FOR UPDATE OF f`.execute(trx);
  if (rows.length === 0) return uitkomsten;

  const perSchool = new Map<string, Groep & { ids: string[] }>();
  for (const row of rows) {
    let groep = perSchool.get(row.school_id);
    if (!groep) {
      groep = { schoolId: row.school_id, items: [], aanbiedingId: null, ids: [] };
      perSchool.set(row.school_id, groep);
    }
    groep.items.push({ resultaat: row.resultaat, foutId: row.id });
    groep.ids.push(row.id);
  }
  const groepen = [...perSchool.values()];
  const opgezocht = await claimEnZoekOp(trx, groepen);
  const res = await verwerkGroepen(trx, groepen, opgezocht);
  groepen.forEach((groep, g) => {
    groep.ids.forEach((id, i) => {
      uitkomsten.set(id, res[g]![i]!);
    });
  });
  return uitkomsten;
}
