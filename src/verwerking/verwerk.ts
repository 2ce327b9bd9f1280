import type { RawBuilder, Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import { beslis, type Huidig } from './beslissing.js';
import { inhoudHash } from './inhoud.js';
import { type Opgezocht, revisieSleutel, zoekOp } from './opzoeken.js';
import {
  type NieuweFout,
  type ResultaatRij,
  type RevisieRij,
  schrijfBatch,
  sluitFouten,
} from './repository.js';
import type { SchoolContext, TeVerwerken, Uitkomst } from './types.js';

export interface VerwerkOpties {
  /** The caller already locked the keys and looked the batch up, with `opzoeken` in a statement of its own. */
  opgezocht?: Opgezocht;
  /** A data-modifying statement on another table, made from the outcomes, written with the batch. */
  afronding?: (uitkomsten: Uitkomst[]) => RawBuilder<unknown>;
}

/**
 * Handles a batch of results of one school in the caller's transaction, in order, and answers an
 * outcome per result (CONTRACT §2). A fixed number of set-based statements per batch, whatever its size:
 * lock the keys and look everything up in one statement, then write current results, history and errors
 * in one statement (and close resolved errors first, only when there are any).
 * Items with `foutId` are retries of that open foutmelding. A delivery passes `opties` to save round trips.
 */
export async function verwerkResultaten(
  trx: Transaction<Database>,
  school: SchoolContext,
  items: TeVerwerken[],
  aanbiedingId: string | null,
  opties: VerwerkOpties = {},
): Promise<Uitkomst[]> {
  if (items.length === 0 && opties.afronding === undefined) return [];
  // Locks the keys first: results with the same key are decided one after the other, across requests.
  const gevonden = opties.opgezocht ?? (await zoekOp(trx, school.id, items));

  const huidig = new Map<string, Huidig>(gevonden.huidig);
  const nieuwHuidig = new Map<string, ResultaatRij>();
  const revisies = new Map<string, RevisieRij>();
  const fouten = new Map<string, NieuweFout>();
  const geslaagd: Array<{ resultaatKey: string; revisie: number; foutId: string | undefined }> = [];
  const uitkomsten: Uitkomst[] = [];
  let sluiten = false;

  for (const { resultaat, foutId, hash: gegeven } of items) {
    const hash = gegeven ?? inhoudHash(resultaat);
    const besluit = beslis({ resultaat, hash, gevonden, huidig: huidig.get(resultaat.resultaatKey), school });
    const { resultaatKey, revisie } = resultaat;
    const revKey = revisieSleutel(resultaatKey, revisie);
    if (besluit.status === 'fout') {
      fouten.set(revKey, { resultaat, foutId, leerlingId: besluit.leerlingId, ...besluit.fout });
      uitkomsten.push({ resultaatKey, revisie, status: 'fout', fout: besluit.fout });
      continue;
    }
    uitkomsten.push({ resultaatKey, revisie, status: besluit.status });
    geslaagd.push({ resultaatKey, revisie, foutId });
    if (foutId !== undefined || gevonden.openFouten.has(revKey)) sluiten = true;
    // As in sluitFouten: getting through settles a lookup error of this revisie met earlier in the batch,
    // but never a REVISIE_CONFLICT (its answer said fout; it must reach the operators).
    if (fouten.get(revKey)?.code !== 'REVISIE_CONFLICT') fouten.delete(revKey);
    if (besluit.verwerking === undefined) continue; // dubbel: nothing changes
    const leerlingId = besluit.leerlingId;
    const eerder = revisies.get(revKey);
    if (eerder === undefined || besluit.verwerking === 'toegepast') {
      revisies.set(revKey, { resultaat, hash, leerlingId, verwerking: besluit.verwerking });
    }
    if (besluit.verwerking === 'toegepast') {
      huidig.set(resultaatKey, { revisie, hash });
      nieuwHuidig.set(resultaatKey, { resultaat, hash, leerlingId });
    }
  }

  // Only a revisie with an open foutmelding (or a retry of one) has anything to close.
  if (sluiten) await sluitFouten(trx, school.id, geslaagd);
  // The last applied revisie of a key becomes its current result; it is the same object as its history row.
  const huidigeObjecten = new Set([...nieuwHuidig.values()].map((h) => h.resultaat));
  const rijen = [...revisies.values()].map((r) => ({
    ...r,
    huidig: r.verwerking === 'toegepast' && huidigeObjecten.has(r.resultaat),
  }));
  await schrijfBatch(
    trx,
    school.id,
    { rijen, fouten: [...fouten.values()], extra: opties.afronding?.(uitkomsten) },
    aanbiedingId,
  );
  return uitkomsten;
}
