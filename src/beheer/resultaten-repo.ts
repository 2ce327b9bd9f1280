import { sql } from 'kysely';
import type { Executor } from '../db/types.js';

export interface ResultaatFilter {
  leerlingId?: string | undefined;
  toets?: string | undefined;
}

/**
 * The school's current, not withdrawn results by resultaat_key, with the same norm and
 * Doorstroomgrafiek rules as the view doorstroomgrafiek_punten: today's norm for the toets's vak and
 * the pupil's current fase and toetsdoel; a red dot when the school activated the toets.
 */
export async function lijstResultaten(
  db: Executor,
  schoolId: string,
  f: ResultaatFilter,
  limit: number,
  na: string | undefined,
) {
  let q = db
    .selectFrom('toetsresultaten as r')
    .innerJoin('toetsen as t', 't.code', 'r.toets_code')
    .innerJoin('leerlingen as l', (j) =>
      j.onRef('l.school_id', '=', 'r.school_id').onRef('l.leerling_id', '=', 'r.leerling_id'),
    )
    .leftJoin('dle_normen as n', (j) =>
      j.onRef('n.vak', '=', 't.vak').onRef('n.fase', '=', 'l.fase').onRef('n.toetsdoel', '=', 'l.toetsdoel'),
    )
    .select([
      'r.resultaat_key',
      'r.revisie',
      'r.leerling_id',
      'r.toets_code',
      'r.toetsonderdeel_code',
      'r.afnamedatum',
      'r.dle',
      'n.norm_dle',
      sql<string | null>`r.dle - n.norm_dle`.as('dle_verschil'),
      sql<boolean>`EXISTS (SELECT 1 FROM schooltoetsen st
                            WHERE st.school_id = r.school_id AND st.toets_code = r.toets_code)`.as(
        'in_grafiek',
      ),
    ])
    .where('r.school_id', '=', schoolId)
    .where('r.ingetrokken', '=', false);
  if (f.leerlingId !== undefined) q = q.where('r.leerling_id', '=', f.leerlingId);
  if (f.toets !== undefined) q = q.where('r.toets_code', '=', f.toets);
  if (na !== undefined) q = q.where('r.resultaat_key', '>', na);
  return q
    .orderBy('r.resultaat_key')
    .limit(limit + 1)
    .execute();
}
