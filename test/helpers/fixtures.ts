import { randomUUID } from 'node:crypto';
import type { Db } from '../../src/db/types.js';
import { hashSleutel, nieuweSleutel } from '../../src/sleutels.js';

/** Test state written straight to the tables (the operator API has its own tests). */
export async function maakSchool(db: Db, opts: { naam?: string; verwerken?: boolean } = {}) {
  const school = await db
    .insertInto('scholen')
    .values({ naam: opts.naam ?? 'De Regenboog', boom_wijzigingen_verwerken: opts.verwerken ?? true })
    .returning('id')
    .executeTakeFirstOrThrow();
  const sleutel = nieuweSleutel('bk');
  const rij = await db
    .insertInto('koppeling_sleutels')
    .values({ school_id: school.id, sleutel_hash: hashSleutel(sleutel) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { schoolId: school.id, sleutel, sleutelId: rij.id, auth: { authorization: `Bearer ${sleutel}` } };
}

export async function maakLeerling(
  db: Db,
  schoolId: string,
  l: {
    leerlingId: string;
    boomLeerlingnummer?: string | null;
    fase?: string | null;
    toetsdoel?: string | null;
  },
) {
  await db
    .insertInto('leerlingen')
    .values({
      school_id: schoolId,
      leerling_id: l.leerlingId,
      boom_leerlingnummer: l.boomLeerlingnummer ?? null,
      fase: l.fase === undefined ? 'F2' : l.fase,
      toetsdoel: l.toetsdoel === undefined ? 'PO-midden' : l.toetsdoel,
    })
    .execute();
}

export async function maakToets(
  db: Db,
  code = 'BLVS-SP',
  vak = 'spelling',
  onderdelen = ['WOORDEN', 'WERKWOORDEN'],
) {
  await db
    .insertInto('toetsen')
    .values({ code, naam: `Toets ${code}`, vak })
    .execute();
  if (onderdelen.length) {
    await db
      .insertInto('toetsonderdelen')
      .values(onderdelen.map((o) => ({ toets_code: code, code: o, naam: o.toLowerCase() })))
      .execute();
  }
}

/** A school with one pupil (Boom number 4839201) and the BLVS-SP test: the common starting point. */
export async function standaardSchool(db: Db, opts: { verwerken?: boolean } = {}) {
  const s = await maakSchool(db, opts);
  await maakLeerling(db, s.schoolId, { leerlingId: 'LL-1', boomLeerlingnummer: '4839201' });
  await maakToets(db);
  return s;
}

export function resultaat(overrides: Record<string, unknown> = {}) {
  return {
    resultaatKey: 'BTC-R-000123456',
    revisie: 1,
    reden: 'nieuw',
    boomLeerlingnummer: '4839201',
    toets: { code: 'BLVS-SP', versie: 'A' },
    toetsonderdeel: { code: 'WOORDEN' },
    afnamedatum: '2026-02-03',
    toetsscore: { aantalOpgaven: 40, aantalGoed: 27, vaardigheidsscore: 143.0 },
    referentiescores: [
      { code: 'DLE', waarde: '22' },
      { code: 'Percentiel', waarde: '31', vergelijkingsgroep: 'Landelijk' },
    ],
    normversie: '2019',
    ...overrides,
  };
}

export function aanlevering(resultaten: unknown[], berichtId: string = randomUUID()) {
  return { berichtId, verzondenOp: '2026-02-04T10:15:22Z', resultaten };
}
