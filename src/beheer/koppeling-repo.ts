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
  // Signing is not copied onto the key: it is the school's setting (koppeling_ondertekening), for every key.
  const rij = await db
    .insertInto('koppeling_sleutels')
    .values({ school_id: schoolId, sleutel_hash: hash })
    .returning('id')
    .executeTakeFirstOrThrow();
  return rij.id;
}

/**
 * Signing on for the school, with a new secret; the one it replaces stays valid for 24 hours, so Boom can
 * switch without a gap. With null, signing is off at once (no secret stays valid). Either way it applies to
 * every key of the school, those issued later included. Answers the number of keys in force now.
 */
export async function zetOndertekengeheim(
  db: Executor,
  schoolId: string,
  geheim: string | null,
): Promise<number> {
  if (geheim === null) {
    await db.deleteFrom('koppeling_ondertekening').where('school_id', '=', schoolId).execute();
  } else {
    await db
      .insertInto('koppeling_ondertekening')
      .values({ school_id: schoolId, ondertekengeheim: geheim })
      .onConflict((oc) =>
        oc.column('school_id').doUpdateSet({
          ondertekengeheim: geheim,
          vorig_ondertekengeheim: sql<string>`koppeling_ondertekening.ondertekengeheim`,
          vorig_geheim_verloopt_op: sql<Date>`now() + interval '24 hours'`,
          gewisseld_op: sql<Date>`now()`,
        }),
      )
      .execute();
  }
  const { n } = await db
    .selectFrom('koppeling_sleutels')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('school_id', '=', schoolId)
    .where('status', '<>', 'ingetrokken')
    .where((eb) => eb.or([eb('verloopt_op', 'is', null), eb('verloopt_op', '>', sql<Date>`now()`)]))
    .executeTakeFirstOrThrow();
  return Number(n);
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
