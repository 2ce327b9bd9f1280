import type { Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import { beslis, type Huidig } from './beslissing.js';
import { inhoudHash } from './inhoud.js';
import { zoekOp } from './opzoeken.js';
import {
  lockResultaatKeys,
  type NieuweFout,
  type ResultaatRij,
  type RevisieRij,
  schrijfFouten,
  schrijfHuidig,
  schrijfRevisies,
  sluitFouten,
} from './repository.js';
import type { SchoolContext, TeVerwerken, Uitkomst } from './types.js';

/**
 * Handles a batch of results of one school in the caller's transaction, in order, and answers an
 * outcome per result (CONTRACT §2). A fixed number of set-based statements per batch, whatever its size:
 * lock the keys, look up pupils, tests and current results, then write current results, history and errors.
 * Items with `foutId` are retries of that open foutmelding.
 */
export async function verwerkResultaten(
  trx: Transaction<Database>,
  school: SchoolContext,
  items: TeVerwerken[],
  aanbiedingId: string | null,
): Promise<Uitkomst[]> {
  if (items.length === 0) return [];
  const keys = [...new Set(items.map((i) => i.resultaat.resultaatKey))];
  // Results with the same key are decided one after the other, across requests and instances.
  await lockResultaatKeys(trx, school.id, keys);
  const gevonden = await zoekOp(trx, school.id, items, keys);

  const huidig = new Map<string, Huidig>(gevonden.huidig);
  const nieuwHuidig = new Map<string, ResultaatRij>();
  const revisies = new Map<string, RevisieRij>();
  const fouten = new Map<string, NieuweFout>();
  const geslaagd: Array<{ resultaatKey: string; revisie: number; foutId: string | undefined }> = [];
  const uitkomsten: Uitkomst[] = [];

  for (const { resultaat, foutId } of items) {
    const hash = inhoudHash(resultaat);
    const besluit = beslis({ resultaat, hash, gevonden, huidig: huidig.get(resultaat.resultaatKey), school });
    const { resultaatKey, revisie } = resultaat;
    const revKey = `${resultaatKey}\u0000${revisie}`;
    if (besluit.status === 'fout') {
      fouten.set(revKey, { resultaat, foutId, leerlingId: besluit.leerlingId, ...besluit.fout });
      uitkomsten.push({ resultaatKey, revisie, status: 'fout', fout: besluit.fout });
      continue;
    }
    uitkomsten.push({ resultaatKey, revisie, status: besluit.status });
    geslaagd.push({ resultaatKey, revisie, foutId });
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

  await schrijfHuidig(trx, school.id, [...nieuwHuidig.values()], aanbiedingId);
  await schrijfRevisies(trx, school.id, [...revisies.values()], aanbiedingId);
  await sluitFouten(trx, school.id, geslaagd);
  await schrijfFouten(trx, school.id, [...fouten.values()], aanbiedingId);
  return uitkomsten;
}
