import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import {
  type AanbiedingAntwoord,
  bezetSleutel,
  type FoutCode,
  type Opgezocht,
  perSchool,
  revisieSleutel,
} from './model.js';

/** What verwerking_claim() answers, as JSON (jsonb reorders an answer's keys; the route writes them in order). */
interface OpgezochtRij {
  nu: string;
  scholen: Array<[string, boolean]>;
  eerder: Array<[string, string, string, AanbiedingAntwoord]>;
  leerlingen: Array<[string, string, string, string | null]>;
  toetsen: Array<[string, string[]]>;
  huidig: Array<[string, string, number, string]>;
  openFouten: Array<[string, string, number, string, FoutCode]>;
}

/** The results of one school to look up, and the berichtId of their aanbieding when they come from Boom. */
export interface OpTeZoeken {
  schoolId: string;
  berichtId?: string;
  resultaten: Array<{ resultaatKey: string; boomLeerlingnummer: string; toets: { code: string } }>;
}

/** A lock the claim did not get because another transaction holds it: a result key's or a berichtId's. */
type Bezet = ['sleutel' | 'bericht', string, string];

/**
 * The claim and lookups of a whole batch in one round trip. With `wachten`, verwerking_claim()
 * (migrations/0004) locks the result keys and berichtIds of every group, waiting for each; without it,
 * verwerking_claim_vrij() (migrations/0008) takes the locks it can get at once and names the others in
 * `bezet`. Then, as seen after the locks were granted: the schools' setting, earlier aanbiedingen with these
 * berichtIds, the pupils by Boom number, the tests with their onderdelen, the current results, and which
 * revisies have an open foutmelding.
 */
export async function claim(
  trx: Transaction<Database> | Kysely<Database>,
  groepen: OpTeZoeken[],
  opties: { wachten: boolean },
): Promise<Opgezocht> {
  const a = claimArgumenten(groepen);
  const args = sql`${a.scholen}::uuid[], ${a.berichtScholen}::uuid[], ${a.berichtIds}::text[], ${a.keyScholen}::uuid[],
      ${a.keys}::text[], ${a.nummerScholen}::uuid[], ${a.nummers}::text[], ${a.toetsen}::text[]`;
  if (opties.wachten) {
    const { rows } = await sql<{ o: OpgezochtRij }>`SELECT verwerking_claim(${args}) AS o`.execute(trx);
    return leesOpgezocht(rows[0]!.o, []);
  }
  const { rows } = await sql<{
    o: { claim: OpgezochtRij; bezet: Bezet[] };
  }>`SELECT verwerking_claim_vrij(${args}) AS o`.execute(trx);
  return leesOpgezocht(rows[0]!.o.claim, rows[0]!.o.bezet);
}

function claimArgumenten(groepen: OpTeZoeken[]) {
  const scholen = new Set<string>();
  const berichtScholen: string[] = [];
  const berichtIds: string[] = [];
  const keyScholen: string[] = [];
  const keys: string[] = [];
  const nummerScholen: string[] = [];
  const nummers: string[] = [];
  const toetsen = new Set<string>();
  for (const g of groepen) {
    scholen.add(g.schoolId);
    if (g.berichtId !== undefined) {
      berichtScholen.push(g.schoolId);
      berichtIds.push(g.berichtId);
    }
    for (const resultaat of g.resultaten) {
      keyScholen.push(g.schoolId);
      keys.push(resultaat.resultaatKey);
      nummerScholen.push(g.schoolId);
      nummers.push(resultaat.boomLeerlingnummer);
      toetsen.add(resultaat.toets.code);
    }
  }
  return {
    scholen: [...scholen],
    berichtScholen,
    berichtIds,
    keyScholen,
    keys,
    nummerScholen,
    nummers,
    toetsen: [...toetsen],
  };
}

function leesOpgezocht(rij: OpgezochtRij, bezet: Bezet[]): Opgezocht {
  return {
    bezet: new Set(bezet.map(([soort, school, naam]) => bezetSleutel(soort, school, naam))),
    nu: new Date(rij.nu),
    scholen: new Map(rij.scholen),
    eerder: new Map(
      rij.eerder.map(([school, berichtId, hash, antwoord]) => [
        perSchool(school, berichtId),
        { hash: Buffer.from(hash, 'hex'), antwoord },
      ]),
    ),
    leerlingen: new Map(
      rij.leerlingen.map(([school, nummer, leerlingId, toetsdoel]) => [
        perSchool(school, nummer),
        { leerlingId, toetsdoel },
      ]),
    ),
    toetsen: new Map(rij.toetsen.map(([code, onderdelen]) => [code, new Set(onderdelen)])),
    huidig: new Map(
      rij.huidig.map(([school, key, revisie, hash]) => [
        perSchool(school, key),
        { revisie, hash: Buffer.from(hash, 'hex') },
      ]),
    ),
    openFouten: new Map(
      rij.openFouten.map(([school, key, revisie, id, code]) => [
        revisieSleutel(school, key, revisie),
        { id, code },
      ]),
    ),
  };
}
