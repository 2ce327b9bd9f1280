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
    INSERT INTO koppeling_sleutels (school_id, sleutel_hash, ondertekengeheim)
    VALUES (${schoolId}::uuid, ${hash},
            (SELECT ondertekengeheim FROM koppeling_sleutels
              WHERE school_id = ${schoolId}::uuid AND status <> 'ingetrokken'
              ORDER BY aangemaakt_op DESC LIMIT 1))
    RETURNING id`.execute(db);
  return rows[0]!.id;
}

/** Sets (or, with null, removes) the signing secret of every key of the school that is in force. */
export async function zetOndertekengeheim(
  db: Executor,
  schoolId: string,
  geheim: string | null,
): Promise<number> {
  const r = await db
    .updateTable('koppeling_sleutels')
    .set({ ondertekengeheim: geheim })
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
