import { inTransaction } from '../db/transaction.js';
import type { Db, Executor } from '../db/types.js';
import { AppError } from '../errors.js';
import {
  bewaarToets,
  leesToets,
  onbekendeToetsen,
  type ToetsRij,
  zetSchooltoetsen,
} from './catalogus-repo.js';
import { heel } from './heling.js';
import { foutenVoorToets } from './heling-repo.js';
import { eisSchool, gevonden } from './niet-gevonden.js';

/** A toets of the catalogue, or a 404. */
export async function toonToets(db: Executor, code: string): Promise<ToetsRij> {
  return gevonden('toets', await leesToets(db, code));
}

/**
 * Creates or replaces a toets, then heals the errors its code and onderdelen fix, in one transaction.
 * Answers the toets as stored (onderdelen on code), whether it was new, and how many errors were healed.
 */
export async function zetToets(db: Db, toets: ToetsRij) {
  return inTransaction(db, async (trx) => {
    const nieuw = await bewaarToets(trx, toets);
    const geheeld = await heel(trx, await foutenVoorToets(trx, toets.code));
    const onderdelen = [...toets.onderdelen].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    return { nieuw, toets: { ...toets, onderdelen }, geheeld };
  });
}

/**
 * Stap 4: replaces the set of activated tests; an unknown code is a 422 naming its position. Answers the
 * set after it, on code, each code once.
 */
export async function zetSchoolToetsen(db: Db, schoolId: string, codes: string[]): Promise<string[]> {
  return inTransaction(db, async (trx) => {
    await eisSchool(trx, schoolId, true);
    const onbekend = await onbekendeToetsen(trx, codes);
    if (onbekend.length > 0) {
      throw new AppError('VALIDATIE_MISLUKT', {
        errors: onbekend.map((i) => ({
          pad: `toetsen[${i}]`,
          melding: 'deze toets staat niet in de catalogus',
        })),
      });
    }
    const uniek = [...new Set(codes)].sort();
    await zetSchooltoetsen(trx, schoolId, uniek);
    return uniek;
  });
}
