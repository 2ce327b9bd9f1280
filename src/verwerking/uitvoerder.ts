import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import {
  type AanbiedingBesluit,
  type BinnengekomenAanbieding,
  beslisAanbiedingen,
  beslisHerhalingen,
  type Herhaling,
} from './beslis-bundel.js';
import { claim } from './claim-sql.js';
import type { Uitkomst } from './model.js';
import { schrijf } from './schrijf-sql.js';

type Trx = Transaction<Database> | Kysely<Database>;

/** The phases of a batch told as they end (for the metrics); the writes are what follows. */
export type VerwerkFase = 'claim' | 'beslissen';

/**
 * The one way results are handled, for aanbiedingen from Boom and for retries and healing alike, in the
 * caller's transaction: the claim (verwerking/claim-sql.ts: the locks and every lookup, one statement), the
 * pure decision (verwerking/beslis-bundel.ts), and the writes (verwerking/schrijf-sql.ts: one statement,
 * and before it one for foutmeldingen that were open, only when the batch touches one).
 *
 * With `wachten: false` the claim waits for no lock: an aanbieding one of whose locks another transaction
 * holds, and every later one of its school, is answered `wacht`, untouched (its caller lets it wait in
 * its school's own lane, with `wachten: true`).
 */
export async function verwerkAanbiedingen(
  trx: Trx,
  aanbiedingen: BinnengekomenAanbieding[],
  opties: { wachten: boolean; bijFase?: (fase: VerwerkFase) => void },
): Promise<AanbiedingBesluit[]> {
  const bijFase = opties.bijFase ?? (() => {});
  const opgezocht = await claim(
    trx,
    aanbiedingen.map(({ schoolId, aanbieding }) => ({
      schoolId,
      berichtId: aanbieding.berichtId,
      resultaten: aanbieding.resultaten,
    })),
    opties,
  );
  bijFase('claim');
  const { besluiten, schrijfwerk } = beslisAanbiedingen(aanbiedingen, opgezocht);
  bijFase('beslissen');
  await schrijf(trx, schrijfwerk);
  return besluiten;
}

/**
 * Open foutmeldingen handled again (verwerking/herverwerk.ts), the same way: the claim waits for the
 * locks, as an operator's retry may.
 */
export async function verwerkHerhalingen(trx: Trx, herhalingen: Herhaling[]): Promise<Uitkomst[][]> {
  const opgezocht = await claim(
    trx,
    herhalingen.map(({ schoolId, fouten }) => ({ schoolId, resultaten: fouten.map((f) => f.resultaat) })),
    { wachten: true },
  );
  const { uitkomsten, schrijfwerk } = beslisHerhalingen(herhalingen, opgezocht);
  await schrijf(trx, schrijfwerk);
  return uitkomsten;
}
