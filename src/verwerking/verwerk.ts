import type { RawBuilder, Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import { beslis, type Huidig } from './beslissing.js';
import { Foutboek } from './foutboek.js';
import { inhoudHash } from './inhoud.js';
import { type Opgezocht, perSchool, revisieSleutel } from './opzoeken.js';
import { type ResultaatRij, type RevisieRij, schrijfStatement, wijzigFoutenStatement } from './repository.js';
import type { TeVerwerken, Uitkomst } from './types.js';

/** Results of one school to handle together: one delivery from Boom, or an operator's retry. */
export interface Groep {
  schoolId: string;
  items: TeVerwerken[];
  /** The aanbieding the results came in (null for a retry, which keeps the foutmelding's own). */
  aanbiedingId: string | null;
}

export interface VerwerkOpties {
  /** A data-modifying statement on another table, made from each group's outcomes, written with the batch. */
  afronding?: (uitkomsten: Uitkomst[][]) => RawBuilder<unknown>;
}

/** The outcome per result of each group, and the statements that write them, to run in this order. */
export interface Besloten {
  uitkomsten: Uitkomst[][];
  statements: RawBuilder<unknown>[];
}

/**
 * Decides groups of results, group after group and each in order (CONTRACT §2), from what
 * `claimEnZoekOp` found for them after locking their keys; writes nothing. The statements it answers are
 * a fixed number, whatever the number of groups and results: one writes current results, history, new
 * errors and the caller's `afronding`; changes to errors that were open go first, only when there are any.
 * Items with `foutId` are retries of that foutmelding. Groups may share keys: a later group sees what an
 * earlier one decided, and the errors end as they would (Foutboek), as if the groups came one by one.
 */
export function beslisGroepen(groepen: Groep[], opgezocht: Opgezocht, opties: VerwerkOpties = {}): Besloten {
  const huidig = new Map<string, Huidig>(opgezocht.huidig);
  const nieuwHuidig = new Map<string, ResultaatRij>();
  const revisies = new Map<string, RevisieRij>();
  const foutboek = new Foutboek(opgezocht.openFouten);
  const alleUitkomsten: Uitkomst[][] = [];

  for (const { schoolId, items, aanbiedingId } of groepen) {
    const verwerken = opgezocht.scholen.get(schoolId);
    if (verwerken === undefined) throw new Error('the school of a batch was not found');
    const school = { id: schoolId, boomWijzigingenVerwerken: verwerken };
    const uitkomsten: Uitkomst[] = [];
    alleUitkomsten.push(uitkomsten);
    for (const { resultaat, foutId, hash: gegeven } of items) {
      const hash = gegeven ?? inhoudHash(resultaat);
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
      const rij = { schoolId, aanbiedingId, resultaat, hash, leerlingId: besluit.leerlingId };
      if (!revisies.has(revKey) || besluit.verwerking === 'toegepast') {
        revisies.set(revKey, { ...rij, verwerking: besluit.verwerking });
      }
      if (besluit.verwerking === 'toegepast') {
        huidig.set(sleutel, { revisie, hash });
        nieuwHuidig.set(sleutel, rij);
      }
    }
    foutboek.sluitAanlevering();
  }

  const statements: RawBuilder<unknown>[] = [];
  // Foutmeldingen that were open change first: one resolved here may make room for a new open one.
  const wijzigingen = foutboek.wijzigingen();
  if (wijzigingen.length > 0) statements.push(wijzigFoutenStatement(wijzigingen));
  // The last applied revisie of a key becomes its current result; it is the same object as its history row.
  const huidigeObjecten = new Set([...nieuwHuidig.values()].map((h) => h.resultaat));
  const rijen = [...revisies.values()].map((r) => ({
    ...r,
    huidig: r.verwerking === 'toegepast' && huidigeObjecten.has(r.resultaat),
  }));
  const schrijf = schrijfStatement({
    rijen,
    fouten: foutboek.nieuwe(),
    extra: opties.afronding?.(alleUitkomsten),
  });
  if (schrijf) statements.push(schrijf);
  return { uitkomsten: alleUitkomsten, statements };
}

/** beslisGroepen, with its statements run in the caller's transaction. */
export async function verwerkGroepen(
  trx: Transaction<Database>,
  groepen: Groep[],
  opgezocht: Opgezocht,
  opties: VerwerkOpties = {},
): Promise<Uitkomst[][]> {
  const { uitkomsten, statements } = beslisGroepen(groepen, opgezocht, opties);
  for (const statement of statements) await statement.execute(trx);
  return uitkomsten;
}
