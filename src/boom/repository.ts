import { type RawBuilder, sql } from 'kysely';
import type { Executor } from '../db/types.js';
import { type OpgezochtRij, opzoeken } from '../verwerking/opzoeken.js';
import type { TeVerwerken } from '../verwerking/types.js';

/** A key that is in force: not withdrawn, not expired. */
export async function zoekSleutel(db: Executor, hash: Buffer) {
  return db
    .selectFrom('koppeling_sleutels')
    .select([
      'id',
      'school_id',
      'sleutel_hash',
      'ondertekengeheim',
      // The previous signing secret, while it is still valid (24 hours after a new one was set).
      sql<string | null>`CASE WHEN vorig_geheim_verloopt_op > now() THEN vorig_ondertekengeheim END`.as(
        'vorig_ondertekengeheim',
      ),
    ])
    .where('sleutel_hash', '=', hash)
    .where('status', '<>', 'ingetrokken')
    .where((eb) => eb.or([eb('verloopt_op', 'is', null), eb('verloopt_op', '>', sql<Date>`now()`)]))
    .executeTakeFirst();
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

/**
 * Claims the berichtId: decided by the unique index, so simultaneous duplicates wait for each other.
 * The same round trip reads the school's BOOM WIJZIGINGEN VERWERKEN and, for a claimed delivery, locks
 * the result keys and looks the results up (`opzoeken`: it reads with a snapshot taken after the locks).
 */
export async function claimAanbieding(
  db: Executor,
  a: {
    schoolId: string;
    berichtId: string;
    hash: Buffer;
    aantal: number;
    bericht: unknown;
    items: TeVerwerken[];
  },
): Promise<{ id: string; ontvangen_op: Date; verwerken: boolean; opgezocht: OpgezochtRij } | undefined> {
  const { rows } = await sql<{ id: string; ontvangen_op: Date; verwerken: boolean; opgezocht: OpgezochtRij }>`
    WITH c AS (
      INSERT INTO aanbiedingen (school_id, bericht_id, inhoud_hash, aantal_resultaten, bericht)
      VALUES (${a.schoolId}::uuid, ${a.berichtId}, ${a.hash}, ${a.aantal}, ${JSON.stringify(a.bericht)}::jsonb)
      ON CONFLICT (school_id, bericht_id) WHERE afgewezen_status IS NULL DO NOTHING
      RETURNING id, ontvangen_op)
    SELECT c.id, c.ontvangen_op, s.boom_wijzigingen_verwerken AS verwerken, ${opzoeken(a.schoolId, a.items)} AS opgezocht
      FROM c JOIN scholen s ON s.id = ${a.schoolId}::uuid`.execute(db);
  return rows[0];
}

export async function eerdereAanbieding(db: Executor, schoolId: string, berichtId: string) {
  return db
    .selectFrom('aanbiedingen')
    .select(['inhoud_hash', 'antwoord'])
    .where('school_id', '=', schoolId)
    .where('bericht_id', '=', berichtId)
    .where('afgewezen_status', 'is', null)
    .executeTakeFirstOrThrow();
}

/** Records the counts and the response of a handled delivery: a statement for verwerkResultaten's `afronding`. */
export function rondAanbiedingAf(
  id: string,
  perStatus: Record<string, number>,
  antwoord: unknown,
): RawBuilder<unknown> {
  return sql`UPDATE aanbiedingen SET per_status = ${JSON.stringify(perStatus)}::jsonb, antwoord = ${JSON.stringify(antwoord)}::jsonb
              WHERE id = ${id}::uuid`;
}

/** A rejected delivery (400, 409, 413, 415, 422): kept so operators see what Boom offered, and why not. */
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
