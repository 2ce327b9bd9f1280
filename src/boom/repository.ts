import { sql } from 'kysely';
import type { Executor } from '../db/types.js';

/**
 * The keys in force (not withdrawn, not expired) among these SHA-256 hashes, with their school's signing
 * secrets (null: signing off), in one query.
 */
export async function zoekSleutels(db: Executor, hashes: Buffer[]) {
  return db
    .selectFrom('koppeling_sleutels as k')
    .leftJoin('koppeling_ondertekening as o', 'o.school_id', 'k.school_id')
    .select([
      'k.id',
      'k.school_id',
      'k.sleutel_hash',
      'o.ondertekengeheim',
      // The previous signing secret, while it is still valid (24 hours after a new one was set).
      sql<string | null>`CASE WHEN o.vorig_geheim_verloopt_op > now() THEN o.vorig_ondertekengeheim END`.as(
        'vorig_ondertekengeheim',
      ),
    ])
    .where('k.sleutel_hash', '=', sql<Buffer>`ANY(${hashes}::bytea[])`)
    .where('k.status', '<>', 'ingetrokken')
    .where((eb) => eb.or([eb('k.verloopt_op', 'is', null), eb('k.verloopt_op', '>', sql<Date>`now()`)]))
    .execute();
}

/** The handshake: aangevraagd → actief, once; calling it again changes nothing. */
export async function activeerSleutel(db: Executor, sleutelId: string): Promise<{ naam: string }> {
  await db
    .updateTable('koppeling_sleutels')
    .set({ status: 'actief', geactiveerd_op: sql<Date>`now()` })
    .where('id', '=', sleutelId)
    .where('status', '=', 'aangevraagd')
    .execute();
  return db
    .selectFrom('koppeling_sleutels as k')
    .innerJoin('scholen as s', 's.id', 'k.school_id')
    .select('s.naam')
    .where('k.id', '=', sleutelId)
    .executeTakeFirstOrThrow();
}

/** A rejected aanbieding (400, 409, 413, 415, 422): kept so operators see what Boom offered, and why not. */
export async function registreerAfwijzing(
  db: Executor,
  a: { schoolId: string; berichtId: string | null; status: number; code: string },
): Promise<void> {
  await db
    .insertInto('aanbiedingen')
    .values({
      school_id: a.schoolId,
      bericht_id: a.berichtId,
      afgewezen_status: a.status,
      afgewezen_code: a.code,
    })
    .execute();
}
