import type { Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import type { Uitkomst } from './types.js';

/**
 * Handles the given open foutmeldingen again, in the caller's transaction: per school, in order of
 * revisie. Answers the outcome per foutmelding id (ids that are not open are left out). A success
 * marks the foutmelding `opgelost`; another error keeps it `open` with its new code.
 */
export async function herverwerkFoutmeldingen(
  _trx: Transaction<Database>,
  _foutIds: string[],
): Promise<Map<string, Uitkomst>> {
  throw new Error('not implemented yet');
}
