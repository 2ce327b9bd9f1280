import type { Executor } from '../db/types.js';

/**
 * Which open foutmeldingen a fix may heal (CONTRACT §3). Each answers ids, oldest first; the
 * rules for handling them again live in verwerking/.
 */

/** A Boom number entered: LEERLING_NIET_GEVONDEN of that school with one of these numbers. */
export async function foutenVoorNummers(
  db: Executor,
  schoolId: string,
  nummers: string[],
): Promise<string[]> {
  if (nummers.length === 0) return [];
  const rijen = await db
    .selectFrom('foutmeldingen')
    .select('id')
    .where('status', '=', 'open')
    .where('code', '=', 'LEERLING_NIET_GEVONDEN')
    .where('school_id', '=', schoolId)
    .where('boom_leerlingnummer', '=', (eb) => eb.fn.any(eb.val(nummers)))
    .orderBy('aangemaakt_op')
    .orderBy('id')
    .execute();
  return rijen.map((r) => r.id);
}

/** A toetsdoel set on a pupil: GEEN_TOETSDOEL of that pupil. */
export async function foutenZonderToetsdoel(
  db: Executor,
  schoolId: string,
  leerlingId: string,
): Promise<string[]> {
  const rijen = await db
    .selectFrom('foutmeldingen')
    .select('id')
    .where('status', '=', 'open')
    .where('code', '=', 'GEEN_TOETSDOEL')
    .where('school_id', '=', schoolId)
    .where('leerling_id', '=', leerlingId)
    .orderBy('aangemaakt_op')
    .orderBy('id')
    .execute();
  return rijen.map((r) => r.id);
}

/**
 * A toets added or changed in the catalogue, in any school: TOETS_NIET_GEVONDEN with its code, and
 * TOETSONDERDEEL_NIET_GEVONDEN whose onderdeel now exists.
 */
export async function foutenVoorToets(db: Executor, toetsCode: string): Promise<string[]> {
  const rijen = await db
    .selectFrom('foutmeldingen as f')
    .select('f.id')
    .where('f.status', '=', 'open')
    .where('f.toets_code', '=', toetsCode)
    .where((eb) =>
      eb.or([
        eb('f.code', '=', 'TOETS_NIET_GEVONDEN'),
        eb.and([
          eb('f.code', '=', 'TOETSONDERDEEL_NIET_GEVONDEN'),
          eb.exists(
            eb
              .selectFrom('toetsonderdelen as o')
              .select('o.code')
              .whereRef('o.toets_code', '=', 'f.toets_code')
              .whereRef('o.code', '=', 'f.toetsonderdeel_code'),
          ),
        ]),
      ]),
    )
    .orderBy('f.aangemaakt_op')
    .orderBy('f.id')
    .execute();
  return rijen.map((r) => r.id);
}
