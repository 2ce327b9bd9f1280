import { beslis } from './beslissing.js';
import { Foutboek, type FoutWijziging, type NieuweFoutRij } from './foutboek.js';
import { aanbiedingHashes, inhoud } from './inhoud.js';
import {
  type Aanbieding,
  type AanbiedingAntwoord,
  type BoomResultaat,
  bezetSleutel,
  type Huidig,
  type Opgezocht,
  perSchool,
  revisieSleutel,
  type Uitkomst,
  type UitkomstStatus,
  type Verwerking,
} from './model.js';

/** An aanbieding to handle: its school, the id it gets when accepted, and its validated body. */
export interface BinnengekomenAanbieding {
  id: string;
  schoolId: string;
  aanbieding: Aanbieding;
}

/** Open foutmeldingen of one school to handle again (an operator's retry, a fix that heals). */
export interface Herhaling {
  schoolId: string;
  fouten: Array<{ foutId: string; resultaat: BoomResultaat }>;
}

/** What becomes of one aanbieding in a batch (CONTRACT §2, berichtId). */
export type AanbiedingBesluit =
  /** Another transaction holds one of its locks (or an earlier one of its school's in the batch waits). */
  | { soort: 'wacht' }
  /** The same body under a berichtId accepted before: the stored answer again. */
  | { soort: 'herhaald'; antwoord: AanbiedingAntwoord }
  /** Another body under a berichtId accepted before: a 409, nothing applied. */
  | { soort: 'hergebruikt'; berichtId: string }
  /** Handled now: its results are written with the batch, and it is recorded with this answer. */
  | { soort: 'nieuw'; antwoord: AanbiedingAntwoord };

/** One revisie to keep in the history; `huidig` when it also becomes the current result of its key. */
export interface SchrijfRij {
  schoolId: string;
  /** The aanbieding it came in; null for an operator's retry. */
  aanbiedingId: string | null;
  resultaat: BoomResultaat;
  /** The canonical JSON of `resultaat` (the form that was hashed), as stored. */
  json: string;
  hash: Buffer;
  leerlingId: string;
  verwerking: Verwerking;
  huidig: boolean;
}

/** An accepted aanbieding, complete with its counts and the answer it gets (answered again on a replay). */
export interface NieuweAanbieding {
  id: string;
  schoolId: string;
  berichtId: string;
  /** When the batch was received; the stored time adds `volgnummer` µs, so a batch lists in arrival order. */
  ontvangenOp: string;
  volgnummer: number;
  hash: Buffer;
  aantal: number;
  perStatus: Partial<Record<UitkomstStatus, number>>;
  /** The canonical JSON of the validated body (the form that was hashed), as stored. */
  berichtJson: string;
  antwoord: AanbiedingAntwoord;
}

/** Everything a batch writes, as data (verwerking/schrijf-sql.ts makes the statements). */
export interface Schrijfwerk {
  /** Changes to foutmeldingen that were open before the batch; written first. */
  foutWijzigingen: FoutWijziging[];
  rijen: SchrijfRij[];
  nieuweFouten: NieuweFoutRij[];
  aanbiedingen: NieuweAanbieding[];
}

interface Groep {
  schoolId: string;
  aanbiedingId: string | null;
  items: Array<{ resultaat: BoomResultaat; json: string; hash: Buffer; foutId?: string }>;
}

/**
 * Decides whole aanbiedingen, in order, from what the claim found (CONTRACT §2): one whose locks another
 * transaction holds waits, and so does every later one of its school; a berichtId accepted before is a
 * replay (the same content) or a 409 (other content); every other aanbieding has each of its results
 * decided and is recorded with its answer. Pure: what it answers is all there is to write and to say.
 */
export function beslisAanbiedingen(
  aanbiedingen: BinnengekomenAanbieding[],
  opgezocht: Opgezocht,
): { besluiten: AanbiedingBesluit[]; schrijfwerk: Schrijfwerk } {
  const besluiten = new Array<AanbiedingBesluit>(aanbiedingen.length);
  const nieuw: Array<{ a: BinnengekomenAanbieding; hash: Buffer; json: () => string; plek: number }> = [];
  const groepen: Groep[] = [];
  const wachtendeScholen = new Set<string>();
  aanbiedingen.forEach((a, plek) => {
    const { schoolId, aanbieding } = a;
    const { bezet } = opgezocht;
    if (
      wachtendeScholen.has(schoolId) ||
      // Nearly always nothing is held elsewhere: then no key of the batch is built to look for it.
      (bezet.size > 0 &&
        (bezet.has(bezetSleutel('bericht', schoolId, aanbieding.berichtId)) ||
          aanbieding.resultaten.some((r) => bezet.has(bezetSleutel('sleutel', schoolId, r.resultaatKey)))))
    ) {
      wachtendeScholen.add(schoolId);
      besluiten[plek] = { soort: 'wacht' };
      return;
    }
    const hashes = aanbiedingHashes(aanbieding);
    const eerder = opgezocht.eerder.get(perSchool(schoolId, aanbieding.berichtId));
    if (eerder === undefined) {
      const items = aanbieding.resultaten.map((resultaat, i) => ({
        resultaat,
        json: hashes.perResultaatJson[i]!,
        hash: hashes.perResultaat[i]!,
      }));
      groepen.push({ schoolId, aanbiedingId: a.id, items });
      nieuw.push({ a, hash: hashes.geheel, json: hashes.json, plek }); // decided below, with the others of the batch
    } else if (hashes.geheel.equals(eerder.hash)) {
      besluiten[plek] = { soort: 'herhaald', antwoord: eerder.antwoord };
    } else {
      besluiten[plek] = { soort: 'hergebruikt', berichtId: aanbieding.berichtId };
    }
  });

  const { uitkomsten, schrijfwerk } = beslisGroepen(groepen, opgezocht);
  const ontvangenOp = opgezocht.nu.toISOString();
  nieuw.forEach(({ a, hash, json, plek }, g) => {
    const resultaten = uitkomsten[g]!;
    const antwoord: AanbiedingAntwoord = { berichtId: a.aanbieding.berichtId, ontvangenOp, resultaten };
    const perStatus: Partial<Record<UitkomstStatus, number>> = {};
    for (const r of resultaten) perStatus[r.status] = (perStatus[r.status] ?? 0) + 1;
    besluiten[plek] = { soort: 'nieuw', antwoord };
    schrijfwerk.aanbiedingen.push({
      id: a.id,
      schoolId: a.schoolId,
      berichtId: a.aanbieding.berichtId,
      ontvangenOp,
      volgnummer: g,
      hash,
      aantal: resultaten.length,
      perStatus,
      berichtJson: json(),
      antwoord,
    });
  });
  return { besluiten, schrijfwerk };
}

/**
 * Decides open foutmeldingen again, school after school and each in the order given (CONTRACT §3): the
 * outcome per foutmelding, in the order of `herhalingen`, and what to write.
 */
export function beslisHerhalingen(
  herhalingen: Herhaling[],
  opgezocht: Opgezocht,
): { uitkomsten: Uitkomst[][]; schrijfwerk: Schrijfwerk } {
  return beslisGroepen(
    herhalingen.map(({ schoolId, fouten }) => ({
      schoolId,
      aanbiedingId: null,
      items: fouten.map(({ foutId, resultaat }) => ({ resultaat, ...inhoud(resultaat), foutId })),
    })),
    opgezocht,
  );
}

/**
 * Decides groups of results, group after group and each in order (CONTRACT §2). Groups may share keys: a
 * later group sees what an earlier one decided, and the errors end as they would (Foutboek), as if the
 * groups came one by one. Items with `foutId` are retries of that foutmelding.
 */
function beslisGroepen(
  groepen: Groep[],
  opgezocht: Opgezocht,
): { uitkomsten: Uitkomst[][]; schrijfwerk: Schrijfwerk } {
  const huidig = new Map<string, Huidig>(opgezocht.huidig);
  const huidigeRij = new Map<string, Omit<SchrijfRij, 'verwerking' | 'huidig'>>();
  const revisies = new Map<string, Omit<SchrijfRij, 'huidig'>>();
  const foutboek = new Foutboek(opgezocht.openFouten);
  const alleUitkomsten: Uitkomst[][] = [];

  for (const { schoolId, items, aanbiedingId } of groepen) {
    const verwerken = opgezocht.scholen.get(schoolId);
    if (verwerken === undefined) throw new Error('the school of a batch was not found');
    const school = { id: schoolId, boomWijzigingenVerwerken: verwerken };
    const uitkomsten: Uitkomst[] = [];
    alleUitkomsten.push(uitkomsten);
    for (const { resultaat, json, foutId, hash } of items) {
      const { resultaatKey, revisie } = resultaat;
      const sleutel = perSchool(schoolId, resultaatKey);
      const besluit = beslis({
        resultaat,
        hash,
        leerling: opgezocht.leerlingen.get(perSchool(schoolId, resultaat.boomLeerlingnummer)),
        onderdelen: opgezocht.toetsen.get(resultaat.toets.code),
        huidig: huidig.get(sleutel),
        school,
      });
      const revKey = revisieSleutel(schoolId, resultaatKey, revisie);
      if (besluit.status === 'fout') {
        foutboek.mislukt(revKey, {
          schoolId,
          aanbiedingId,
          resultaat,
          leerlingId: besluit.leerlingId,
          ...besluit.fout,
        });
        uitkomsten.push({ resultaatKey, revisie, status: 'fout', fout: besluit.fout });
        continue;
      }
      uitkomsten.push({ resultaatKey, revisie, status: besluit.status });
      foutboek.gelukt(revKey, foutId);
      if (besluit.verwerking === undefined) continue; // dubbel: nothing changes
      const rij = { schoolId, aanbiedingId, resultaat, json, hash, leerlingId: besluit.leerlingId };
      if (!revisies.has(revKey) || besluit.verwerking === 'toegepast') {
        revisies.set(revKey, { ...rij, verwerking: besluit.verwerking });
      }
      if (besluit.verwerking === 'toegepast') {
        huidig.set(sleutel, { revisie, hash });
        huidigeRij.set(sleutel, rij);
      }
    }
    foutboek.sluitAanbieding();
  }

  // The last applied revisie of a key becomes its current result; it is the same object as its history row.
  const huidigeObjecten = new Set([...huidigeRij.values()].map((h) => h.resultaat));
  const rijen = [...revisies.values()].map((r) => ({
    ...r,
    huidig: r.verwerking === 'toegepast' && huidigeObjecten.has(r.resultaat),
  }));
  return {
    uitkomsten: alleUitkomsten,
    schrijfwerk: {
      foutWijzigingen: foutboek.wijzigingen(),
      rijen,
      nieuweFouten: foutboek.nieuwe(),
      aanbiedingen: [],
    },
  };
}
