import { type RawBuilder, sql } from 'kysely';
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

/** An accepted delivery, complete with its counts and the answer it gets (answered again on a replay). */
export interface NieuweAanbieding {
  id: string;
  schoolId: string;
  berichtId: string;
  /** When the batch was received; the stored time adds `volgnummer` µs, so a batch lists in arrival order. */
  ontvangenOp: string;
  volgnummer: number;
  hash: Buffer;
  aantal: number;
  perStatus: Record<string, number>;
  bericht: unknown;
  antwoord: unknown;
}

/**
 * Inserts accepted deliveries, each once and complete: a statement for verwerkGroepen's `afronding`, so
 * the deliveries are written in the statement that writes their results. Their berichtIds were claimed
 * with verwerking_claim()'s locks; the unique index stays the guarantee.
 */
export function nieuweAanbiedingen(rijen: NieuweAanbieding[]): RawBuilder<unknown> {
  const json = JSON.stringify(
    rijen.map((a) => ({
      id: a.id,
      school_id: a.schoolId,
      bericht_id: a.berichtId,
      ontvangen_op: a.ontvangenOp,
      volgnummer: a.volgnummer,
      inhoud_hash: a.hash.toString('hex'),
      aantal_resultaten: a.aantal,
      per_status: a.perStatus,
      bericht: a.bericht,
      antwoord: a.antwoord,
    })),
  );
  return sql`INSERT INTO aanbiedingen (id, school_id, bericht_id, ontvangen_op, inhoud_hash, aantal_resultaten, per_status,
                                       bericht, antwoord)
    SELECT a.id, a.school_id, a.bericht_id, a.ontvangen_op + a.volgnummer * interval '1 microsecond', decode(a.inhoud_hash, 'hex'), a.aantal_resultaten, a.per_status,
           a.bericht, a.antwoord
      FROM jsonb_to_recordset(${json}::jsonb) AS a(id uuid, school_id uuid, bericht_id text, ontvangen_op timestamptz, volgnummer int,
           inhoud_hash text, aantal_resultaten int, per_status jsonb, bericht jsonb, antwoord jsonb)`;
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
