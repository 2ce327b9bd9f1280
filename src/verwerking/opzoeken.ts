import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import type { Gevonden, Huidig, Leerling } from './beslissing.js';
import type { TeVerwerken } from './types.js';

export interface Opgezocht extends Gevonden {
  /** `resultaatKey \0 revisie` of the open foutmeldingen of the batch's keys. */
  openFouten: Set<string>;
}

export function revisieSleutel(resultaatKey: string, revisie: number): string {
  return `${resultaatKey}\u0000${revisie}`;
}

/**
 * The lookups of a whole batch in one statement (one round trip): the pupils by Boom number, the tests
 * with their onderdelen, the current results, and which revisies have an open foutmelding. Run after
 * the keys are locked, in a statement of its own, so it sees what the holders of those locks committed.
 */
export async function zoekOp(
  trx: Transaction<Database>,
  schoolId: string,
  items: TeVerwerken[],
  keys: string[],
): Promise<Opgezocht> {
  const nummers = [...new Set(items.map((i) => i.resultaat.boomLeerlingnummer))];
  const toetsCodes = [...new Set(items.map((i) => i.resultaat.toets.code))];

  const { rows } = await sql<{
    leerlingen: Array<[string, string, string | null]>;
    toetsen: Array<[string, string[]]>;
    huidig: Array<[string, number, string]>;
    open_fouten: Array<[string, number]>;
  }>`
    SELECT
      (SELECT coalesce(json_agg(json_build_array(l.boom_leerlingnummer, l.leerling_id, l.toetsdoel)), '[]')
         FROM leerlingen l
        WHERE l.school_id = ${schoolId}::uuid AND l.boom_leerlingnummer = ANY(${nummers}::text[])) AS leerlingen,
      (SELECT coalesce(json_agg(json_build_array(t.code,
                (SELECT coalesce(array_agg(o.code), '{}') FROM toetsonderdelen o WHERE o.toets_code = t.code))), '[]')
         FROM toetsen t
        WHERE t.code = ANY(${toetsCodes}::text[])) AS toetsen,
      (SELECT coalesce(json_agg(json_build_array(r.resultaat_key, r.revisie, encode(r.inhoud_hash, 'hex'))), '[]')
         FROM unnest(${keys}::text[]) AS k
         JOIN toetsresultaten r ON r.school_id = ${schoolId}::uuid AND r.resultaat_key = k) AS huidig,
      (SELECT coalesce(json_agg(json_build_array(f.resultaat_key, f.revisie)), '[]')
         FROM foutmeldingen f
        WHERE f.school_id = ${schoolId}::uuid AND f.status = 'open' AND f.resultaat_key = ANY(${keys}::text[]))
        AS open_fouten`.execute(trx);
  const rij = rows[0]!;

  const leerlingen = new Map<string, Leerling>(
    rij.leerlingen.map(([nummer, leerlingId, toetsdoel]) => [nummer, { leerlingId, toetsdoel }]),
  );
  const toetsen = new Map(rij.toetsen.map(([code, onderdelen]) => [code, new Set(onderdelen)]));
  const huidig = new Map<string, Huidig>(
    rij.huidig.map(([key, revisie, hash]) => [key, { revisie, hash: Buffer.from(hash, 'hex') }]),
  );
  const openFouten = new Set(rij.open_fouten.map(([key, revisie]) => revisieSleutel(key, revisie)));
  return { leerlingen, toetsen, huidig, openFouten };
}
