import { sql } from 'kysely';
import type { Executor, LeerlingenTable } from '../db/types.js';
import { bevat } from './sql-helpers.js';

export interface LeerlingVelden {
  boomLeerlingnummer?: string | null;
  fase?: string | null;
  toetsdoel?: string | null;
}

export interface LeerlingRij {
  leerling_id: string;
  boom_leerlingnummer: string | null;
  fase: string | null;
  toetsdoel: string | null;
  nieuw: boolean;
}

/** The unique violation that means: another pupil of the school has this Boom number. */
export function isNummerInGebruik(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' && e.constraint === 'leerlingen_boom_nummer_uniek';
}

/**
 * Creates or changes one pupil: an omitted field keeps its value (null on create), null clears it.
 * The database decides whether a Boom number is taken (leerlingen_boom_nummer_uniek), not a read first.
 */
export async function bewaarLeerling(
  db: Executor,
  schoolId: string,
  leerlingId: string,
  v: LeerlingVelden,
): Promise<LeerlingRij> {
  const wijzig: Partial<Record<keyof LeerlingenTable, unknown>> = { bijgewerkt_op: sql`now()` };
  if (v.boomLeerlingnummer !== undefined) wijzig.boom_leerlingnummer = v.boomLeerlingnummer;
  if (v.fase !== undefined) wijzig.fase = v.fase;
  if (v.toetsdoel !== undefined) wijzig.toetsdoel = v.toetsdoel;
  return db
    .insertInto('leerlingen')
    .values({
      school_id: schoolId,
      leerling_id: leerlingId,
      boom_leerlingnummer: v.boomLeerlingnummer ?? null,
      fase: v.fase ?? null,
      toetsdoel: v.toetsdoel ?? null,
    })
    .onConflict((oc) => oc.columns(['school_id', 'leerling_id']).doUpdateSet(wijzig as never))
    .returning([
      'leerling_id',
      'boom_leerlingnummer',
      'fase',
      'toetsdoel',
      // xmax is 0 only on a row this statement inserted: how an upsert tells create from change.
      sql<boolean>`(xmax = 0)`.as('nieuw'),
    ])
    .executeTakeFirstOrThrow();
}

export interface NummerRegel {
  leerlingId: string;
  boomLeerlingnummer: string;
}

interface Bevinding {
  i: number;
  veld: 'leerlingId' | 'boomLeerlingnummer';
  reden: 'onbekend' | 'dubbel_leerling' | 'dubbel_nummer' | 'bezet';
}

function regels(items: NummerRegel[]) {
  return sql`unnest(${items.map((_, i) => i)}::int[], ${items.map((r) => r.leerlingId)}::text[],
    ${items.map((r) => r.boomLeerlingnummer)}::text[]) AS r(i, leerling_id, nummer)`;
}

/**
 * Judges a bulk entry on the state after the whole request, in one statement: unknown pupils, a pupil
 * named twice, and numbers two pupils would share (twice in the request, or held by a pupil of the
 * school whom the request does not renumber).
 */
export async function beoordeelNummers(
  db: Executor,
  schoolId: string,
  items: NummerRegel[],
): Promise<Bevinding[]> {
  const { rows } = await sql<Bevinding>`
    WITH r AS (SELECT * FROM ${regels(items)}),
    b AS (
      SELECT r.*, l.leerling_id IS NOT NULL AS bekend,
             row_number() OVER (PARTITION BY r.leerling_id ORDER BY r.i) AS keer_leerling,
             count(*) OVER (PARTITION BY r.nummer) AS keer_nummer
        FROM r LEFT JOIN leerlingen l ON l.school_id = ${schoolId} AND l.leerling_id = r.leerling_id
    ),
    -- Numbers held by pupils of the school whom this request leaves as they are.
    blijvend AS (
      SELECT o.boom_leerlingnummer AS nummer FROM leerlingen o
       WHERE o.school_id = ${schoolId} AND o.boom_leerlingnummer IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM r WHERE r.leerling_id = o.leerling_id)
    )
    SELECT i, 'leerlingId' AS veld, CASE WHEN NOT bekend THEN 'onbekend' ELSE 'dubbel_leerling' END AS reden
      FROM b WHERE NOT bekend OR keer_leerling > 1
    UNION ALL
    SELECT i, 'boomLeerlingnummer', CASE WHEN keer_nummer > 1 THEN 'dubbel_nummer' ELSE 'bezet' END
      FROM b
     WHERE keer_nummer > 1 OR nummer IN (SELECT nummer FROM blijvend)
     ORDER BY 1, 2 DESC`.execute(db);
  return rows;
}

/** Applies a bulk entry judged sound; answers how many pupils' numbers changed. */
export async function zetNummers(db: Executor, schoolId: string, items: NummerRegel[]): Promise<number> {
  // Deferred to the commit, so that two pupils may swap numbers within this one statement.
  await sql`SET CONSTRAINTS leerlingen_boom_nummer_uniek DEFERRED`.execute(db);
  const r = await sql`
    UPDATE leerlingen l SET boom_leerlingnummer = r.nummer, bijgewerkt_op = now()
      FROM ${regels(items)}
     WHERE l.school_id = ${schoolId} AND l.leerling_id = r.leerling_id
       AND l.boom_leerlingnummer IS DISTINCT FROM r.nummer`.execute(db);
  return Number(r.numAffectedRows ?? 0n);
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
