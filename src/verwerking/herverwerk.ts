import { sql, type Transaction } from 'kysely';
import type { BoomResultaat } from '../boom/schema.js';
import type { Database } from '../db/types.js';
import type { Uitkomst } from './types.js';
import { verwerkResultaten } from './verwerk.js';

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
  const { rows } = await sql<{ id: string; school_id: string; resultaat: BoomResultaat; verwerken: boolean }>`
    SELECT f.id, f.school_id, f.resultaat, s.boom_wijzigingen_verwerken AS verwerken
      FROM foutmeldingen f JOIN scholen s ON s.id = f.school_id
     WHERE f.id = ANY(${foutIds}::uuid[]) AND f.status = 'open'
     ORDER BY f.school_id, f.revisie, f.aangemaakt_op, f.id
       FOR UPDATE OF f`.execute(trx);

  const perSchool = new Map<string, typeof rows>();
  for (const row of rows) {
    const lijst = perSchool.get(row.school_id) ?? [];
    lijst.push(row);
    perSchool.set(row.school_id, lijst);
  }
  for (const [schoolId, lijst] of perSchool) {
    const school = { id: schoolId, boomWijzigingenVerwerken: lijst[0]!.verwerken };
    const items = lijst.map((r) => ({ resultaat: r.resultaat, foutId: r.id }));
    const res = await verwerkResultaten(trx, school, items, null);
    lijst.forEach((r, i) => {
      uitkomsten.set(r.id, res[i]!);
    });
  }
  return uitkomsten;
}
