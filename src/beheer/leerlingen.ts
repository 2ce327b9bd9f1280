import { inTransaction } from '../db/transaction.js';
import type { Db } from '../db/types.js';
import { AppError, type Veldfout } from '../errors.js';
import { heel } from './heling.js';
import { foutenVoorNummers, foutenZonderToetsdoel } from './heling-repo.js';
import {
  beoordeelNummers,
  bewaarLeerling,
  isNummerInGebruik,
  type LeerlingVelden,
  type NummerRegel,
  zetNummers,
} from './leerlingen-repo.js';
import { eisSchool } from './niet-gevonden.js';

function nummerInGebruik(err: unknown): unknown {
  return isNummerInGebruik(err) ? new AppError('BOOM_NUMMER_IN_GEBRUIK', { cause: err }) : err;
}

/**
 * Stap 3 per pupil; heals what the new Boom number or toetsdoel fixes, in the same transaction. Answers
 * the pupil's row (`nieuw`: created) and how many foutmeldingen were healed.
 */
export async function zetLeerling(db: Db, schoolId: string, leerlingId: string, velden: LeerlingVelden) {
  try {
    return await inTransaction(db, async (trx) => {
      await eisSchool(trx, schoolId);
      const rij = await bewaarLeerling(trx, schoolId, leerlingId, velden);
      const ids: string[] = [];
      if (rij.boom_leerlingnummer !== null && velden.boomLeerlingnummer !== undefined)
        ids.push(...(await foutenVoorNummers(trx, schoolId, [rij.boom_leerlingnummer])));
      if (rij.toetsdoel !== null && velden.toetsdoel !== undefined)
        ids.push(...(await foutenZonderToetsdoel(trx, schoolId, leerlingId)));
      return { rij, geheeld: await heel(trx, ids) };
    });
  } catch (err) {
    throw nummerInGebruik(err);
  }
}

const meldingen = {
  onbekend: 'deze leerling bestaat niet bij deze school',
  dubbel_leerling: 'deze leerling staat meer dan eens in de aanvraag',
  dubbel_nummer: 'dit Boom-leerlingnummer staat meer dan eens in de aanvraag',
  bezet: 'dit Boom-leerlingnummer hoort bij een andere leerling van de school',
} as const;

/** Stap 3 in bulk: all or nothing, judged on the state after the whole request. */
export async function zetBoomNummers(db: Db, schoolId: string, items: NummerRegel[]) {
  try {
    return await inTransaction(db, async (trx) => {
      // Locked so that two bulk entries for one school are judged one after the other.
      await eisSchool(trx, schoolId, true);
      const bevindingen = await beoordeelNummers(trx, schoolId, items);
      if (bevindingen.length > 0) {
        const errors: Veldfout[] = bevindingen.map((b) => ({
          pad: `items[${b.i}].${b.veld}`,
          melding: meldingen[b.reden],
        }));
        throw new AppError('VALIDATIE_MISLUKT', { errors });
      }
      const bijgewerkt = await zetNummers(trx, schoolId, items);
      const ids = await foutenVoorNummers(
        trx,
        schoolId,
        items.map((r) => r.boomLeerlingnummer),
      );
      return { bijgewerkt, geheeld: await heel(trx, ids) };
    });
  } catch (err) {
    // A pupil that got a clashing number from a concurrent request between the check and the commit.
    throw nummerInGebruik(err);
  }
}
