import { sql } from 'kysely';
import type { Executor } from '../db/types.js';
import type { FoutCode, FoutStatus } from '../verwerking/index.js';
import { tijdSleutel, voorCursor } from './sql-helpers.js';

export interface FoutFilter {
  schoolId?: string | undefined;
  code?: FoutCode | undefined;
  status?: FoutStatus | undefined;
  vanaf?: string | undefined;
  tot?: string | undefined;
}

const kolommen = [
  'id',
  'school_id',
  'code',
  'status',
  'melding',
  'resultaat_key',
  'revisie',
  'boom_leerlingnummer',
  'toets_code',
  'toetsonderdeel_code',
  'aangemaakt_op',
  'pogingen',
  'laatste_poging_op',
  'opgelost_op',
] as const;

/** Newest first, on (aangemaakt_op DESC, id DESC); `na` is the cursor of the previous page. */
export async function lijstFouten(db: Executor, f: FoutFilter, limit: number, na: string[] | undefined) {
  let q = db.selectFrom('foutmeldingen').select([...kolommen, tijdSleutel('aangemaakt_op').as('sleutel')]);
  if (f.schoolId !== undefined) q = q.where('school_id', '=', f.schoolId);
  if (f.code !== undefined) q = q.where('code', '=', f.code);
  if (f.status !== undefined) q = q.where('status', '=', f.status);
  if (f.vanaf !== undefined) q = q.where('aangemaakt_op', '>=', sql<Date>`${f.vanaf}::timestamptz`);
  if (f.tot !== undefined) q = q.where('aangemaakt_op', '<', sql<Date>`${f.tot}::timestamptz`);
  if (na !== undefined) q = q.where(voorCursor('aangemaakt_op', 'id', na));
  return q
    .orderBy('aangemaakt_op', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
}

export type FoutRij = Awaited<ReturnType<typeof leesFout>> & object;

export async function leesFout(db: Executor, id: string, vergrendel = false) {
  let q = db.selectFrom('foutmeldingen').select(kolommen).where('id', '=', id);
  if (vergrendel) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function negeerFout(db: Executor, id: string): Promise<void> {
  await db.updateTable('foutmeldingen').set({ status: 'genegeerd' }).where('id', '=', id).execute();
}

/** Open foutmeldingen matching the filter, oldest first: what "retry all" handles. */
export async function openFoutIds(
  db: Executor,
  f: { schoolId?: string; code?: FoutCode },
): Promise<string[]> {
  let q = db.selectFrom('foutmeldingen').select('id').where('status', '=', 'open');
  if (f.schoolId !== undefined) q = q.where('school_id', '=', f.schoolId);
  if (f.code !== undefined) q = q.where('code', '=', f.code);
  const rijen = await q.orderBy('aangemaakt_op').orderBy('id').execute();
  return rijen.map((r) => r.id);
}
