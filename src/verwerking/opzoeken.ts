import { type RawBuilder, sql, type Transaction } from 'kysely';
import type { Database, FoutCode } from '../db/types.js';
import type { Huidig, Leerling } from './beslissing.js';
import type { TeVerwerken } from './types.js';

/** A school's result key, or any other per-school name, as one map key. */
export function perSchool(schoolId: string, naam: string): string {
  return `${schoolId}\u0000${naam}`;
}

export function revisieSleutel(schoolId: string, resultaatKey: string, revisie: number): string {
  return `${schoolId}\u0000${resultaatKey}\u0000${revisie}`;
}

/** An accepted delivery found under its berichtId: its content hash and the answer it got. */
export interface EerdereAanbieding {
  hash: Buffer;
  antwoord: unknown;
}

/** What the claim of a batch found, after its locks were granted. Maps are keyed with `perSchool`. */
export interface Opgezocht {
  /** When the deliveries were received. */
  nu: Date;
  /** BOOM WIJZIGINGEN VERWERKEN per school id. */
  scholen: Map<string, boolean>;
  /** Accepted deliveries by (school, berichtId). */
  eerder: Map<string, EerdereAanbieding>;
  /** Pupils by (school, boomLeerlingnummer). */
  leerlingen: Map<string, Leerling>;
  /** The catalogue's tests by code, with their onderdelen. */
  toetsen: Map<string, Set<string>>;
  /** Current results by (school, resultaatKey). */
  huidig: Map<string, Huidig>;
  /** The open foutmelding of a revisie (`revisieSleutel`): at most one each. */
  openFouten: Map<string, OpenFout>;
}

export interface OpenFout {
  id: string;
  code: FoutCode;
}

/** What verwerking_claim() answers, as JSON. */
export interface OpgezochtRij {
  nu: string;
  scholen: Array<[string, boolean]>;
  eerder: Array<[string, string, string, unknown]>;
  leerlingen: Array<[string, string, string, string | null]>;
  toetsen: Array<[string, string[]]>;
  huidig: Array<[string, string, number, string]>;
  openFouten: Array<[string, string, number, string, FoutCode]>;
}

/** The results of one school to look up, and the berichtId of their delivery when they come from Boom. */
export interface OpTeZoeken {
  schoolId: string;
  berichtId?: string;
  items: TeVerwerken[];
}

/**
 * The claim and lookups of a whole batch in one round trip: verwerking_claim() (migrations/0004) locks the
 * result keys and berichtIds of every group, then reads the schools' setting, earlier deliveries with these
 * berichtIds, the pupils by Boom number, the tests with their onderdelen, the current results, and which
 * revisies have an open foutmelding, as seen after the locks were granted.
 */
export async function claimEnZoekOp(trx: Transaction<Database>, groepen: OpTeZoeken[]): Promise<Opgezocht> {
  const { rows } = await claimStatement(groepen).execute(trx);
  return leesOpgezocht(rows[0]!.o);
}

/** The statement of claimEnZoekOp, for a caller that sends it itself; read its row `o` with leesOpgezocht. */
export function claimStatement(groepen: OpTeZoeken[]): RawBuilder<{ o: OpgezochtRij }> {
  const a = claimArgumenten(groepen);
  return sql<{ o: OpgezochtRij }>`SELECT verwerking_claim(
      ${a.scholen}::uuid[], ${a.berichtScholen}::uuid[], ${a.berichtIds}::text[], ${a.keyScholen}::uuid[],
      ${a.keys}::text[], ${a.nummerScholen}::uuid[], ${a.nummers}::text[], ${a.toetsen}::text[]) AS o`;
}

/** A lock the claim did not get because another transaction holds it: a result key's or a berichtId's. */
export type Bezet = ['sleutel' | 'bericht', string, string];

/**
 * The claim without waiting (verwerking_claim_vrij, migrations/0008): every lock that another transaction
 * holds is answered in `bezet` instead of waited for; `claim` holds the lookups, as claimStatement's row.
 */
export function claimVrijStatement(
  groepen: OpTeZoeken[],
): RawBuilder<{ o: { claim: OpgezochtRij; bezet: Bezet[] } }> {
  const a = claimArgumenten(groepen);
  return sql<{ o: { claim: OpgezochtRij; bezet: Bezet[] } }>`SELECT verwerking_claim_vrij(
      ${a.scholen}::uuid[], ${a.berichtScholen}::uuid[], ${a.berichtIds}::text[], ${a.keyScholen}::uuid[],
      ${a.keys}::text[], ${a.nummerScholen}::uuid[], ${a.nummers}::text[], ${a.toetsen}::text[]) AS o`;
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
    for (const { resultaat } of g.items) {
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

export function leesOpgezocht(rij: OpgezochtRij): Opgezocht {
  return {
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
