import { sql } from 'kysely';
import type { Executor } from '../db/types.js';

/**
 * A new key for the school. Earlier keys that are not withdrawn stay valid for 24 hours from now
 * (or less, when they already expire sooner), so a school can switch without a gap.
 */
export async function geefSleutelUit(db: Executor, schoolId: string, hash: Buffer): Promise<string> {
  await db
    .updateTable('koppeling_sleutels')
    .set({
      verloopt_op: sql`least(coalesce(verloopt_op, 'infinity'::timestamptz), now() + interval '24 hours')`,
    })
    .where('school_id', '=', schoolId)
    .where('status', '<>', 'ingetrokken')
    .execute();
  // A new key keeps the koppeling's signing secret, if it has one: signing belongs to the coupling.
  const { rows } = await sql<{ id: string }>`
    INSERT INTO koppeling_sleutels (school_id, sleutel_hash, ondertekengeheim, vorig_ondertekengeheim,
                                    vorig_geheim_verloopt_op)
    SELECT ${schoolId}::uuid, ${hash}, v.ondertekengeheim, v.vorig_ondertekengeheim, v.vorig_geheim_verloopt_op
      FROM (SELECT 1) AS een
      LEFT JOIN LATERAL (SELECT ondertekengeheim, vorig_ondertekengeheim, vorig_geheim_verloopt_op
                           FROM koppeling_sleutels
                          WHERE school_id = ${schoolId}::uuid AND status <> 'ingetrokken'
                          ORDER BY aangemaakt_op DESC LIMIT 1) AS v ON true
    RETURNING id`.execute(db);
  return rows[0]!.id;
}

/**
 * Sets the signing secret of every key of the school that is in force; the one it replaces stays valid for
 * 24 hours, so Boom can switch without a gap. With null, signing is off at once (no secret stays valid).
 */
export async function zetOndertekengeheim(
  db: Executor,
  schoolId: string,
  geheim: string | null,
): Promise<number> {
  const r = await db
    .updateTable('koppeling_sleutels')
    .set(
      geheim === null
        ? { ondertekengeheim: null, vorig_ondertekengeheim: null, vorig_geheim_verloopt_op: null }
        : {
            ondertekengeheim: geheim,
            vorig_ondertekengeheim: sql<string | null>`ondertekengeheim`,
            vorig_geheim_verloopt_op: sql<Date | null>`CASE WHEN ondertekengeheim IS NULL THEN NULL
                                                            ELSE now() + interval '24 hours' END`,
          },
    )
    .where('school_id', '=', schoolId)
    .where('status', '<>', 'ingetrokken')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Withdraws every key of the school that is not withdrawn yet. */
export async function trekSleutelsIn(db: Executor, schoolId: string): Promise<number> {
  const r = await db
    .updateTable('koppeling_sleutels')
    .set({ status: 'ingetrokken', ingetrokken_op: sql`now()` })
    .where('school_id', '=', schoolId)
    .where('status', '<>', 'ingetrokken')
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
