import { inTransaction } from '../db/transaction.js';
import type { Db, Executor } from '../db/types.js';
import { AppError } from '../errors.js';
import { type FoutCode, herverwerkFoutmeldingen, type UitkomstStatus } from '../verwerking/index.js';
import { leesFout, negeerFout, openFoutIds } from './fouten-repo.js';
import { eisId, gevonden } from './niet-gevonden.js';

/** The open foutmelding, locked for this transaction; 404 when unknown, 409 when not open. */
async function eisOpen(trx: Executor, id: string) {
  eisId('foutmelding', id);
  const rij = gevonden('foutmelding', await leesFout(trx, id, true));
  if (rij.status !== 'open')
    throw new AppError('FOUT_NIET_OPEN', { detail: `Deze foutmelding is ${rij.status}` });
}

/** Handles one open foutmelding again; answers it as it is now, with the new outcome of its result. */
export async function probeerOpnieuw(db: Db, id: string) {
  eisId('foutmelding', id);
  return inTransaction(db, async (trx) => {
    // herverwerkFoutmeldingen takes the key's lock, then the foutmelding's row, and handles it only while
    // it is open; without an outcome, eisOpen says why (404 or 409).
    const uitkomst = (await herverwerkFoutmeldingen(trx, [id])).get(id);
    if (!uitkomst) await eisOpen(trx, id);
    const rij = await leesFout(trx, id);
    if (!rij || !uitkomst) throw new Error('herverwerkFoutmeldingen gave no outcome for an open foutmelding');
    return { rij, uitkomst };
  });
}

/** Dismisses one open foutmelding; answers it as it is now. */
export async function negeer(db: Db, id: string) {
  return inTransaction(db, async (trx) => {
    await eisOpen(trx, id);
    await negeerFout(trx, id);
    return (await leesFout(trx, id))!;
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
