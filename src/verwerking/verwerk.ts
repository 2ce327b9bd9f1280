import type { Transaction } from 'kysely';
import type { Database } from '../db/types.js';
import type { SchoolContext, TeVerwerken, Uitkomst } from './types.js';

/**
 * Handles a batch of results of one school in the caller's transaction, in order, and answers an
 * outcome per result. Writes current results, history, and errors (opening, updating or resolving
 * foutmeldingen). Items with `foutId` are retries of that open foutmelding.
 */
export async function verwerkResultaten(
  _trx: Transaction<Database>,
  _school: SchoolContext,
  _items: TeVerwerken[],
  _aanbiedingId: string | null,
): Promise<Uitkomst[]> {
  throw new Error('not implemented yet');
}
