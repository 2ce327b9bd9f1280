import { sql } from 'kysely';
import type { Executor } from '../db/types.js';

export interface Norm {
  vak: string;
  fase: string;
  toetsdoel: string;
  normDle: number;
}

/** Upserts the norms in one statement; answers how many rows were written. */
export async function bewaarNormen(db: Executor, items: Norm[]): Promise<number> {
  const r = await sql`
    INSERT INTO dle_normen (vak, fase, toetsdoel, norm_dle)
    SELECT * FROM unnest(${items.map((n) => n.vak)}::text[], ${items.map((n) => n.fase)}::text[],
                         ${items.map((n) => n.toetsdoel)}::text[], ${items.map((n) => String(n.normDle))}::numeric[])
    ON CONFLICT (vak, fase, toetsdoel) DO UPDATE SET norm_dle = excluded.norm_dle`.execute(db);
  return Number(r.numAffectedRows ?? 0n);
}

/** A page of norms by (vak, fase, toetsdoel); `na` is the last key of the previous page. */
export async function lijstNormen(db: Executor, limit: number, na: string[] | undefined) {
  let q = db.selectFrom('dle_normen').select(['vak', 'fase', 'toetsdoel', 'norm_dle']);
  if (na !== undefined) q = q.where(sql<boolean>`(vak, fase, toetsdoel) > (${na[0]}, ${na[1]}, ${na[2]})`);
  return q
    .orderBy('vak')
    .orderBy('fase')
    .orderBy('toetsdoel')
    .limit(limit + 1)
    .execute();
}
