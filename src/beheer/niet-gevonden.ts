import type { Executor } from '../db/types.js';
import { AppError } from '../errors.js';
import { isUuid } from './schema.js';
import { bestaatSchool } from './scholen-repo.js';

/** The detail of each kind's 404; its AppError is built here and nowhere else. */
const detail = {
  school: 'Deze school bestaat niet',
  foutmelding: 'Deze foutmelding bestaat niet',
  toets: 'Deze toets staat niet in de catalogus',
} as const;

export type Soort = keyof typeof detail;

export function nietGevonden(soort: Soort): AppError {
  return new AppError('NIET_GEVONDEN', { detail: detail[soort] });
}

/**
 * The 404 of a malformed id, thrown before anything reaches PostgreSQL (where it would be a cast error):
 * an id that is no UUID names nothing, so it gets the same answer as an unknown one.
 */
export function eisId(soort: 'school' | 'foutmelding', id: string): void {
  if (!isUuid(id)) throw nietGevonden(soort);
}

/** The row that was found, or the 404 of its kind. */
export function gevonden<R>(soort: Soort, rij: R | undefined): R {
  if (rij === undefined) throw nietGevonden(soort);
  return rij;
}

/**
 * The id of a school that exists, or a 404 (malformed or unknown alike). With `vergrendel` its row stays
 * locked until the transaction ends, so that writes for one school are judged one after the other.
 */
export async function eisSchool(db: Executor, id: string, vergrendel = false): Promise<void> {
  eisId('school', id);
  gevonden('school', await bestaatSchool(db, id, vergrendel));
}
