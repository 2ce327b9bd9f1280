import { z } from 'zod';
import { inTransaction } from '../db/transaction.js';
import type { Db } from '../db/types.js';
import { AppError } from '../errors.js';
import { uitkomst as uitkomstSchema } from '../schema/boom.js';
import { type FoutCode, herverwerkFoutmeldingen, type UitkomstStatus } from '../verwerking/index.js';
import { type FoutRij, leesFout, negeerFout, openFoutIds } from './fouten-repo.js';
import { foutCode, iso, isUuid } from './schema.js';

export const foutAntwoord = z.object({
  id: z.string(),
  schoolId: z.string(),
  code: foutCode,
  status: z.enum(['open', 'opgelost', 'genegeerd']),
  melding: z.string(),
  resultaatKey: z.string(),
  revisie: z.number().int(),
  boomLeerlingnummer: z.string(),
  toetsCode: z.string(),
  toetsonderdeelCode: z.string().nullable(),
  aangemaaktOp: z.string(),
  pogingen: z.number().int(),
  laatstePogingOp: z.string(),
  opgelostOp: z.string().nullable(),
});

export const opnieuwAntwoord = foutAntwoord.extend({ uitkomst: uitkomstSchema });

export function naarFout(r: FoutRij): z.output<typeof foutAntwoord> {
  return {
    id: r.id,
    schoolId: r.school_id,
    code: r.code,
    status: r.status,
    melding: r.melding,
    resultaatKey: r.resultaat_key,
    revisie: r.revisie,
    boomLeerlingnummer: r.boom_leerlingnummer,
    toetsCode: r.toets_code,
    toetsonderdeelCode: r.toetsonderdeel_code,
    aangemaaktOp: r.aangemaakt_op.toISOString(),
    pogingen: r.pogingen,
    laatstePogingOp: r.laatste_poging_op.toISOString(),
    opgelostOp: iso(r.opgelost_op as Date | null),
  };
}

const nietGevonden = () => new AppError('NIET_GEVONDEN', { detail: 'Deze foutmelding bestaat niet' });

/** The open foutmelding, locked for this transaction; 404 when unknown, 409 when not open. */
async function eisOpen(trx: Parameters<typeof leesFout>[0], id: string) {
  const rij = isUuid(id) ? await leesFout(trx, id, true) : undefined;
  if (!rij) throw nietGevonden();
  if (rij.status !== 'open')
    throw new AppError('FOUT_NIET_OPEN', { detail: `Deze foutmelding is ${rij.status}` });
}

export async function probeerOpnieuw(db: Db, id: string) {
  if (!isUuid(id)) throw nietGevonden();
  return inTransaction(db, async (trx) => {
    // herverwerkFoutmeldingen takes the key's lock, then the foutmelding's row, and handles it only while
    // it is open; without an outcome, eisOpen says why (404 or 409).
    const uitkomst = (await herverwerkFoutmeldingen(trx, [id])).get(id);
    if (!uitkomst) await eisOpen(trx, id);
    const rij = await leesFout(trx, id);
    if (!rij || !uitkomst) throw new Error('herverwerkFoutmeldingen gave no outcome for an open foutmelding');
    return { ...naarFout(rij), uitkomst };
  });
}

export async function negeer(db: Db, id: string) {
  return inTransaction(db, async (trx) => {
    await eisOpen(trx, id);
    await negeerFout(trx, id);
    return naarFout((await leesFout(trx, id))!);
  });
}

/** Retries every open foutmelding that matches, oldest first, in one transaction. */
export async function probeerAllesOpnieuw(db: Db, filter: { schoolId?: string; code?: FoutCode }) {
  return inTransaction(db, async (trx) => {
    const ids = await openFoutIds(trx, filter);
    const perStatus: Record<UitkomstStatus, number> = {
      verwerkt: 0,
      dubbel: 0,
      verouderd: 0,
      overgeslagen: 0,
      fout: 0,
    };
    if (ids.length === 0) return { perStatus };
    for (const u of (await herverwerkFoutmeldingen(trx, ids)).values()) perStatus[u.status]++;
    return { perStatus };
  });
}
