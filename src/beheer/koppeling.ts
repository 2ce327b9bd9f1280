import { inTransaction } from '../db/transaction.js';
import type { Db } from '../db/types.js';
import { hashSleutel, nieuweSleutel, nieuwOndertekengeheim } from '../sleutels.js';
import { geefSleutelUit, trekSleutelsIn, zetOndertekengeheim } from './koppeling-repo.js';
import { eisSchool } from './niet-gevonden.js';
import { toonSchool } from './scholen.js';

/** Stap 1: a new key, shown to the caller once; only its hash is stored. */
export async function vraagSleutelAan(db: Db, schoolId: string) {
  const sleutel = nieuweSleutel('bk');
  // The school row is locked so that two issues for one school cannot interleave their expiry updates.
  const sleutelId = await inTransaction(db, async (trx) => {
    await eisSchool(trx, schoolId, true);
    return geefSleutelUit(trx, schoolId, hashSleutel(sleutel));
  });
  return { sleutelId, autorisatiesleutel: sleutel, status: 'aangevraagd' as const };
}

/** Withdraws every key of the school; answers how many, and the school after it. */
export async function trekKoppelingIn(db: Db, schoolId: string) {
  const ingetrokken = await inTransaction(db, async (trx) => {
    await eisSchool(trx, schoolId, true);
    return trekSleutelsIn(trx, schoolId);
  });
  return { ingetrokken, school: await toonSchool(db, schoolId) };
}

/**
 * Standard Webhooks signing for the koppeling: a new secret (shown once) that every key of the school
 * requires from now on, those issued later and after a withdrawal included, until an operator turns it off
 * (`aan: false`). Allowed before the first key. Boom may sign with the old and the new secret at once while
 * it switches over: any matching signature passes. `sleutels`: the keys in force it applies to now.
 */
export async function zetOndertekening(db: Db, schoolId: string, aan: boolean) {
  const geheim = aan ? nieuwOndertekengeheim() : null;
  const sleutels = await inTransaction(db, async (trx) => {
    await eisSchool(trx, schoolId, true);
    return zetOndertekengeheim(trx, schoolId, geheim);
  });
  return { ondertekengeheim: geheim, sleutels };
}
