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
  const rij = await db
    .insertInto('koppeling_sleutels')
    .values({ school_id: schoolId, sleutel_hash: hash })
    .returning('id')
    .executeTakeFirstOrThrow();
  return rij.id;
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
