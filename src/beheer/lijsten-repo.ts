import { sql } from 'kysely';
import type { Executor } from '../db/types.js';

/** `zoek` as a LIKE pattern: the operator's text matches literally, anywhere in the value. */
function bevat(zoek: string): string {
  return `%${zoek.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Schools on (naam, id); `zoek` matches part of the name or the BRIN, case-insensitively. */
export async function lijstScholen(
  db: Executor,
  zoek: string | undefined,
  limit: number,
  na: string[] | undefined,
) {
  let q = db.selectFrom('scholen').select('id');
  if (zoek !== undefined)
    q = q.where((eb) => eb.or([eb('naam', 'ilike', bevat(zoek)), eb('brin', 'ilike', bevat(zoek))]));
  if (na !== undefined) q = q.where(sql<boolean>`(naam, id) > (${na[0]}, ${na[1]}::uuid)`);
  return q
    .select('naam')
    .orderBy('naam')
    .orderBy('id')
    .limit(limit + 1)
    .execute();
}

/** A school's pupils on leerling_id; `zoek` matches part of the leerlingId or the Boom number. */
export async function lijstLeerlingen(
  db: Executor,
  schoolId: string,
  zoek: string | undefined,
  limit: number,
  na: string | undefined,
) {
  let q = db
    .selectFrom('leerlingen')
    .select(['leerling_id', 'boom_leerlingnummer', 'fase', 'toetsdoel'])
    .where('school_id', '=', schoolId);
  if (zoek !== undefined)
    q = q.where((eb) =>
      eb.or([eb('leerling_id', 'ilike', bevat(zoek)), eb('boom_leerlingnummer', 'ilike', bevat(zoek))]),
    );
  if (na !== undefined) q = q.where('leerling_id', '>', na);
  return q
    .orderBy('leerling_id')
    .limit(limit + 1)
    .execute();
}

/** The school's activated tests (Stap 4), on code. */
export async function leesSchooltoetsen(db: Executor, schoolId: string): Promise<string[]> {
  const rijen = await db
    .selectFrom('schooltoetsen')
    .select('toets_code')
    .where('school_id', '=', schoolId)
    .orderBy('toets_code')
    .execute();
  return rijen.map((r) => r.toets_code);
}
