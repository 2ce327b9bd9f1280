import { inTransaction } from '../db/transaction.js';
import type { Db } from '../db/types.js';
import { AppError } from '../errors.js';
import { verwerkResultaten } from '../verwerking/index.js';
import { aanleveringHashes } from '../verwerking/inhoud.js';
import { leesOpgezocht } from '../verwerking/opzoeken.js';
import { claimAanbieding, eerdereAanbieding, rondAanbiedingAf } from './repository.js';
import type { Aanlevering, AanleveringAntwoord } from './schema.js';

export interface IngestUitkomst {
  antwoord: AanleveringAntwoord;
  herhaald: boolean;
}

/**
 * One delivery from Boom, in one transaction: claim the berichtId (or answer the stored response
 * again), handle every result, record the counts. A 2xx is sent only after this commits.
 * Round trips: the claim also reads the school's setting, locks the result keys and looks the results up;
 * the writes and the recorded response are one statement.
 */
export async function ingest(db: Db, schoolId: string, aanlevering: Aanlevering): Promise<IngestUitkomst> {
  const hashes = aanleveringHashes(aanlevering);
  const hash = hashes.geheel;
  const items = aanlevering.resultaten.map((resultaat, i) => ({ resultaat, hash: hashes.perResultaat[i] }));
  return inTransaction(db, async (trx) => {
    const claim = await claimAanbieding(trx, {
      schoolId,
      berichtId: aanlevering.berichtId,
      hash,
      aantal: aanlevering.resultaten.length,
      bericht: aanlevering,
      items,
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
    const school = { id: schoolId, boomWijzigingenVerwerken: claim.verwerken };
    let antwoord: AanleveringAntwoord | undefined;
    await verwerkResultaten(trx, school, items, claim.id, {
      opgezocht: leesOpgezocht(claim.opgezocht),
      afronding: (resultaten) => {
        const perStatus: Record<string, number> = {};
        for (const r of resultaten) perStatus[r.status] = (perStatus[r.status] ?? 0) + 1;
        antwoord = {
          berichtId: aanlevering.berichtId,
          ontvangenOp: claim.ontvangen_op.toISOString(),
          resultaten,
        };
        return rondAanbiedingAf(claim.id, perStatus, antwoord);
      },
    });
    return { antwoord: antwoord!, herhaald: false };
  });
}
