import { inTransaction } from '../db/transaction.js';
import type { Db } from '../db/types.js';
import { AppError } from '../errors.js';
import { verwerkResultaten } from '../verwerking/index.js';
import { inhoudHash } from '../verwerking/inhoud.js';
import { claimAanbieding, eerdereAanbieding, rondAanbiedingAf, schoolInstelling } from './repository.js';
import type { Aanlevering, AanleveringAntwoord } from './schema.js';

export interface IngestUitkomst {
  antwoord: AanleveringAntwoord;
  herhaald: boolean;
}

/**
 * One delivery from Boom, in one transaction: claim the berichtId (or answer the stored response
 * again), handle every result, record the counts. A 2xx is sent only after this commits.
 */
export async function ingest(db: Db, schoolId: string, aanlevering: Aanlevering): Promise<IngestUitkomst> {
  const hash = inhoudHash(aanlevering);
  return inTransaction(db, async (trx) => {
    const claim = await claimAanbieding(trx, {
      schoolId,
      berichtId: aanlevering.berichtId,
      hash,
      aantal: aanlevering.resultaten.length,
      bericht: aanlevering,
    });
    if (!claim) {
      const eerder = await eerdereAanbieding(trx, schoolId, aanlevering.berichtId);
      if (eerder.inhoud_hash && hash.equals(eerder.inhoud_hash)) {
        return { antwoord: eerder.antwoord as AanleveringAntwoord, herhaald: true };
      }
      throw new AppError('BERICHT_ID_HERGEBRUIKT', {
        detail: `berichtId ${aanlevering.berichtId} werd eerder met een andere inhoud aangeboden`,
      });
    }
    const school = { id: schoolId, boomWijzigingenVerwerken: await schoolInstelling(trx, schoolId) };
    const items = aanlevering.resultaten.map((resultaat) => ({ resultaat }));
    const resultaten = await verwerkResultaten(trx, school, items, claim.id);
    const perStatus: Record<string, number> = {};
    for (const r of resultaten) perStatus[r.status] = (perStatus[r.status] ?? 0) + 1;
    const antwoord: AanleveringAntwoord = {
      berichtId: aanlevering.berichtId,
      ontvangenOp: claim.ontvangen_op.toISOString(),
      resultaten,
    };
    await rondAanbiedingAf(trx, claim.id, perStatus, antwoord);
    return { antwoord, herhaald: false };
  });
}
