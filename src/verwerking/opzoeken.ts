import { type RawBuilder, sql, type Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import type { Gevonden, Huidig, Leerling } from './beslissing.js';
import type { TeVerwerken } from './types.js';

export interface Opgezocht extends Gevonden {
  /** `resultaatKey \0 revisie` of the open foutmeldingen of the batch's keys. */
  openFouten: Set<string>;
}

/** What verwerking_opzoeken() answers, as JSON. */
export interface OpgezochtRij {
  leerlingen: Array<[string, string, string | null]>;
  toetsen: Array<[string, string[]]>;
  huidig: Array<[string, number, string]>;
  openFouten: Array<[string, number]>;
}

export function revisieSleutel(resultaatKey: string, revisie: number): string {
  return `${resultaatKey}\u0000${revisie}`;
}

/**
 * The lookups of a whole batch, one expression: verwerking_opzoeken() (migrations/0002) first locks the
 * batch's result keys, then finds the pupils by Boom number, the tests with their onderdelen, the current
 * results, and which revisies have an open foutmelding, as seen after the locks were granted. An expression
 * so that a caller can put it into another statement (the claim of a delivery) and save a round trip.
 */
export function opzoeken(schoolId: string, items: TeVerwerken[]): RawBuilder<OpgezochtRij> {
  const keys = [...new Set(items.map((i) => i.resultaat.resultaatKey))];
  const nummers = [...new Set(items.map((i) => i.resultaat.boomLeerlingnummer))];
  const toetsCodes = [...new Set(items.map((i) => i.resultaat.toets.code))];
  return sql<OpgezochtRij>`verwerking_opzoeken(${schoolId}::uuid, ${keys}::text[], ${nummers}::text[], ${toetsCodes}::text[])`;
}

export async function zoekOp(
  trx: Transaction<Database>,
  schoolId: string,
  items: TeVerwerken[],
): Promise<Opgezocht> {
  const { rows } = await sql<{ o: OpgezochtRij }>`SELECT ${opzoeken(schoolId, items)} AS o`.execute(trx);
  return leesOpgezocht(rows[0]!.o);
}

export function leesOpgezocht(rij: OpgezochtRij): Opgezocht {
  const leerlingen = new Map<string, Leerling>(
    rij.leerlingen.map(([nummer, leerlingId, toetsdoel]) => [nummer, { leerlingId, toetsdoel }]),
  );
  const toetsen = new Map(rij.toetsen.map(([code, onderdelen]) => [code, new Set(onderdelen)]));
  const huidig = new Map<string, Huidig>(
    rij.huidig.map(([key, revisie, hash]) => [key, { revisie, hash: Buffer.from(hash, 'hex') }]),
  );
  const openFouten = new Set(rij.openFouten.map(([key, revisie]) => revisieSleutel(key, revisie)));
  return { leerlingen, toetsen, huidig, openFouten };
}
