import { sql } from 'kysely';
import type { Executor } from '../db/types.js';

export interface ToetsRij {
  code: string;
  naam: string;
  vak: string;
  onderdelen: Array<{ code: string; naam: string }>;
}

function toetsen(db: Executor) {
  return db.selectFrom('toetsen as t').select([
    't.code',
    't.naam',
    't.vak',
    sql<ToetsRij['onderdelen']>`coalesce((
        SELECT json_agg(json_build_object('code', o.code, 'naam', o.naam) ORDER BY o.code)
          FROM toetsonderdelen o WHERE o.toets_code = t.code), '[]'::json)`.as('onderdelen'),
  ]);
}

export async function leesToets(db: Executor, code: string): Promise<ToetsRij | undefined> {
  return toetsen(db).where('t.code', '=', code).executeTakeFirst();
}

/** A page of the catalogue by code; `na` is the last code of the previous page. */
export async function lijstToetsen(db: Executor, limit: number, na: string | undefined): Promise<ToetsRij[]> {
  let q = toetsen(db);
  if (na !== undefined) q = q.where('t.code', '>', na);
  return q
    .orderBy('t.code')
    .limit(limit + 1)
    .execute();
}

/** Creates or replaces a toets with exactly these onderdelen; answers whether it was new. */
export async function bewaarToets(
  db: Executor,
  toets: { code: string; naam: string; vak: string; onderdelen: Array<{ code: string; naam: string }> },
): Promise<boolean> {
  const rij = await db
    .insertInto('toetsen')
    .values({ code: toets.code, naam: toets.naam, vak: toets.vak })
    .onConflict((oc) => oc.column('code').doUpdateSet({ naam: toets.naam, vak: toets.vak }))
    .returning(sql<boolean>`(xmax = 0)`.as('nieuw'))
    .executeTakeFirstOrThrow();
  const codes = toets.onderdelen.map((o) => o.code);
  let weg = db.deleteFrom('toetsonderdelen').where('toets_code', '=', toets.code);
  if (codes.length > 0) weg = weg.where('code', 'not in', codes);
  await weg.execute();
  if (codes.length > 0) {
    await db
      .insertInto('toetsonderdelen')
      .values(toets.onderdelen.map((o) => ({ toets_code: toets.code, code: o.code, naam: o.naam })))
      .onConflict((oc) =>
        oc.columns(['toets_code', 'code']).doUpdateSet((eb) => ({ naam: eb.ref('excluded.naam') })),
      )
      .execute();
  }
  return rij.nieuw;
}

/** The positions in `codes` that are not in the catalogue. */
export async function onbekendeToetsen(db: Executor, codes: string[]): Promise<number[]> {
  if (codes.length === 0) return [];
  const { rows } = await sql<{ i: number }>`
    SELECT c.i - 1 AS i FROM unnest(${codes}::text[]) WITH ORDINALITY AS c(code, i)
     WHERE NOT EXISTS (SELECT 1 FROM toetsen t WHERE t.code = c.code) ORDER BY c.i`.execute(db);
  return rows.map((r) => Number(r.i));
}

/** Replaces the school's set of activated tests. */
export async function zetSchooltoetsen(db: Executor, schoolId: string, codes: string[]): Promise<void> {
  let weg = db.deleteFrom('schooltoetsen').where('school_id', '=', schoolId);
  if (codes.length > 0) weg = weg.where('toets_code', 'not in', codes);
  await weg.execute();
  if (codes.length > 0) {
    await db
      .insertInto('schooltoetsen')
      .values(codes.map((c) => ({ school_id: schoolId, toets_code: c })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
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
