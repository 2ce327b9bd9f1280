/**
 * The vocabulary of handling Boom's results (CONTRACT §2 and §3), owned here. schema/boom.ts and
 * beheer/schema.ts build their zod enums from these lists, and db/types.ts types its columns with them;
 * a compile-time check beside each zod schema keeps the two the same. Pure: no I/O, no zod.
 */

/** Why Boom sends a revisie. */
export const REDENEN = ['nieuw', 'hernormering', 'correctie', 'intrekking'] as const;
export type Reden = (typeof REDENEN)[number];

/** What happened to a revisie that was kept in the history (resultaat_revisies.verwerking). */
export const VERWERKINGEN = ['toegepast', 'overgeslagen', 'verouderd'] as const;
export type Verwerking = (typeof VERWERKINGEN)[number];

/** The codes of a result that could not be stored (CONTRACT §3), in the order the checks run. */
export const FOUT_CODES = [
  'LEERLING_NIET_GEVONDEN',
  'TOETS_NIET_GEVONDEN',
  'TOETSONDERDEEL_NIET_GEVONDEN',
  'GEEN_TOETSDOEL',
  'REVISIE_CONFLICT',
] as const;
export type FoutCode = (typeof FOUT_CODES)[number];

/** A foutmelding's state: open until it is resolved (by a later revisie, a retry, a fix) or dismissed. */
export const FOUT_STATUSSEN = ['open', 'opgelost', 'genegeerd'] as const;
export type FoutStatus = (typeof FOUT_STATUSSEN)[number];

/** The answer per result (CONTRACT §2's table). */
export const UITKOMST_STATUSSEN = ['verwerkt', 'dubbel', 'verouderd', 'overgeslagen', 'fout'] as const;
export type UitkomstStatus = (typeof UITKOMST_STATUSSEN)[number];

/** One validated result from Boom, as kept in toetsresultaten, resultaat_revisies and foutmeldingen. */
export interface BoomResultaat {
  resultaatKey: string;
  revisie: number;
  reden: Reden;
  boomLeerlingnummer: string;
  toets: { code: string; versie?: string | undefined };
  toetsonderdeel: { code: string } | null;
  afnamedatum: string;
  toetsscore?:
    | {
        aantalOpgaven?: number | undefined;
        aantalGoed?: number | undefined;
        aantalFout?: number | undefined;
        vaardigheidsscore?: number | undefined;
        vaardigheidsschaal?: string | undefined;
      }
    | undefined;
  referentiescores?:
    | Array<{ code: string; waarde: string; vergelijkingsgroep?: string | undefined }>
    | undefined;
  normversie?: string | undefined;
}

/** An aanbieding: what Boom posts once (berichtId) with 1–1000 results, validated. */
export interface Aanbieding {
  berichtId: string;
  verzondenOp: string;
  resultaten: BoomResultaat[];
}

/** What happened to one result: the answer Boom gets per result, and what a retry answers. */
export interface Uitkomst {
  resultaatKey: string;
  revisie: number;
  status: UitkomstStatus;
  fout?: { code: FoutCode; melding: string };
}

/** The answer to an aanbieding (200), kept with it and answered again on a replay. */
export interface AanbiedingAntwoord {
  berichtId: string;
  ontvangenOp: string;
  resultaten: Uitkomst[];
}

/** The DLE of a result, from its referentiescores, or null. */
export function dleVan(r: BoomResultaat): string | null {
  return r.referentiescores?.find((s) => s.code === 'DLE')?.waarde ?? null;
}

export interface SchoolContext {
  id: string;
  boomWijzigingenVerwerken: boolean;
}

/** The pupil a Boom number names at a school. */
export interface Leerling {
  leerlingId: string;
  toetsdoel: string | null;
}

/** The stored current revisie of a result (also a withdrawn one). */
export interface Huidig {
  revisie: number;
  hash: Buffer;
}

/** An accepted aanbieding found under its berichtId: its content hash and the answer it got. */
export interface EerdereAanbieding {
  hash: Buffer;
  antwoord: AanbiedingAntwoord;
}

/** An open foutmelding of a revisie, before the batch. */
export interface OpenFout {
  id: string;
  code: FoutCode;
}

/**
 * What the claim of a batch found, after its locks were granted (verwerking/claim-sql.ts): everything the
 * decision reads. Maps are keyed with `perSchool`, open errors with `revisieSleutel`.
 */
export interface Opgezocht {
  /** When the aanbiedingen were received. */
  nu: Date;
  /** BOOM WIJZIGINGEN VERWERKEN per school id. */
  scholen: Map<string, boolean>;
  /** Accepted aanbiedingen by (school, berichtId). */
  eerder: Map<string, EerdereAanbieding>;
  /** Pupils by (school, boomLeerlingnummer). */
  leerlingen: Map<string, Leerling>;
  /** The catalogue's tests by code, with their onderdelen. */
  toetsen: Map<string, Set<string>>;
  /** Current results by (school, resultaatKey). */
  huidig: Map<string, Huidig>;
  /** The open foutmelding of a revisie (`revisieSleutel`): at most one each. */
  openFouten: Map<string, OpenFout>;
  /** Locks another transaction holds (a claim that waits for none): `bezetSleutel` of each. */
  bezet: Set<string>;
}

/** A school's result key, or any other per-school name, as one map key. */
export function perSchool(schoolId: string, naam: string): string {
  return `${schoolId}\u0000${naam}`;
}

export function revisieSleutel(schoolId: string, resultaatKey: string, revisie: number): string {
  return `${schoolId}\u0000${resultaatKey}\u0000${revisie}`;
}

/** A lock the claim did not get: a result key's or a berichtId's, at a school. */
export function bezetSleutel(soort: 'sleutel' | 'bericht', schoolId: string, naam: string): string {
  return `${soort}\u0000${schoolId}\u0000${naam}`;
}

/** A foutmelding to record: the result as Boom sent it, and why it could not be stored. */
export interface NieuweFout {
  schoolId: string;
  aanbiedingId: string | null;
  resultaat: BoomResultaat;
  leerlingId: string | null;
  code: FoutCode;
  melding: string;
}

/** A result to handle; `foutId` when it is an open foutmelding being handled again. */
export interface TeVerwerken {
  resultaat: BoomResultaat;
  foutId?: string;
  hash?: Buffer;
}
