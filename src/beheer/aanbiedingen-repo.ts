import { sql } from 'kysely';
import type { Executor } from '../db/types.js';
import { tijdSleutel, voorCursor } from './sql-helpers.js';

export interface AanbiedingFilter {
  schoolId?: string | undefined;
  vanaf?: string | undefined;
  tot?: string | undefined;
}

/** Newest first, on (ontvangen_op DESC, id DESC); `na` is the cursor of the previous page. */
export async function lijstAanbiedingen(
  db: Executor,
  f: AanbiedingFilter,
  limit: number,
  na: string[] | undefined,
) {
  let q = db
    .selectFrom('aanbiedingen')
    .select([
      'id',
      'school_id',
      'bericht_id',
      'ontvangen_op',
      'aantal_resultaten',
      'per_status',
      'afgewezen_status',
      'afgewezen_code',
      tijdSleutel('ontvangen_op').as('sleutel'),
    ]);
  if (f.schoolId !== undefined) q = q.where('school_id', '=', f.schoolId);
  if (f.vanaf !== undefined) q = q.where('ontvangen_op', '>=', sql<Date>`${f.vanaf}::timestamptz`);
  if (f.tot !== undefined) q = q.where('ontvangen_op', '<', sql<Date>`${f.tot}::timestamptz`);
  if (na !== undefined) q = q.where(voorCursor('ontvangen_op', 'id', na));
  return q
    .orderBy('ontvangen_op', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
}
