import type { BoomResultaat, FoutCode, Huidig, Leerling, SchoolContext, Verwerking } from './model.js';

export type Besluit =
  | { status: 'fout'; fout: { code: FoutCode; melding: string }; leerlingId: string | null }
  | { status: 'dubbel'; verwerking: undefined; leerlingId: string }
  | { status: 'verwerkt' | 'verouderd' | 'overgeslagen'; verwerking: Verwerking; leerlingId: string };

/**
 * A melding goes to Boom: it names only what Boom sent (CONTRACT §2), never SchoolKr8's leerlingId. A Boom
 * number is personal data: a melding shows only its first two characters.
 */
export function maskeer(boomLeerlingnummer: string): string {
  // By code point: cutting a surrogate pair in half would leave text PostgreSQL cannot store.
  return `${Array.from(boomLeerlingnummer).slice(0, 2).join('')}…`;
}

function fout(code: FoutCode, melding: string, leerlingId: string | null = null): Besluit {
  return { status: 'fout', fout: { code, melding }, leerlingId };
}

/**
 * The rules of CONTRACT §2 for one result, in their order: the pupil, the test and its onderdeel,
 * the toetsdoel, then the revisie table against what is stored. Pure: the caller writes the effect.
 */
export function beslis(input: {
  resultaat: BoomResultaat;
  hash: Buffer;
  /** The pupil with this Boom number at the school, if any. */
  leerling: Leerling | undefined;
  /** The onderdelen of the test, when the test is in the catalogue. */
  onderdelen: Set<string> | undefined;
  /** The stored current revisie of this result, if any. */
  huidig: Huidig | undefined;
  school: SchoolContext;
}): Besluit {
  const { resultaat: r, hash, leerling, onderdelen, huidig, school } = input;

  if (!leerling) {
    return fout(
      'LEERLING_NIET_GEVONDEN',
      `Boom-leerlingnummer ${maskeer(r.boomLeerlingnummer)} is bij deze school niet bekend`,
    );
  }
  if (!onderdelen) {
    return fout(
      'TOETS_NIET_GEVONDEN',
      `Toets ${r.toets.code} staat niet in de toetscatalogus`,
      leerling.leerlingId,
    );
  }
  if (r.toetsonderdeel && !onderdelen.has(r.toetsonderdeel.code)) {
    return fout(
      'TOETSONDERDEEL_NIET_GEVONDEN',
      `Toetsonderdeel ${r.toetsonderdeel.code} hoort niet bij toets ${r.toets.code}`,
      leerling.leerlingId,
    );
  }
  if (leerling.toetsdoel === null) {
    return fout(
      'GEEN_TOETSDOEL',
      `De leerling met Boom-leerlingnummer ${maskeer(r.boomLeerlingnummer)} heeft geen toetsdoel`,
      leerling.leerlingId,
    );
  }

  const leerlingId = leerling.leerlingId;
  if (!huidig) return { status: 'verwerkt', verwerking: 'toegepast', leerlingId };
  if (r.revisie === huidig.revisie) {
    if (hash.equals(huidig.hash)) return { status: 'dubbel', verwerking: undefined, leerlingId };
    return fout(
      'REVISIE_CONFLICT',
      `Revisie ${r.revisie} van resultaat ${r.resultaatKey} kwam eerder met een andere inhoud`,
      leerlingId,
    );
  }
  if (r.revisie < huidig.revisie) return { status: 'verouderd', verwerking: 'verouderd', leerlingId };
  if (school.boomWijzigingenVerwerken) return { status: 'verwerkt', verwerking: 'toegepast', leerlingId };
  return { status: 'overgeslagen', verwerking: 'overgeslagen', leerlingId };
}
