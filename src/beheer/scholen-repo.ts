import { sql } from 'kysely';
import type { Executor } from '../db/types.js';
import { bevat } from './sql-helpers.js';

export interface SchoolRij {
  id: string;
  naam: string;
  brin: string | null;
  boom_wijzigingen_verwerken: boolean;
  koppeling_status: 'aangevraagd' | 'actief' | 'ingetrokken' | null;
  geactiveerd_op: Date | null;
  ondertekening: boolean;
  laatste_aanbieding_op: Date | null;
  open_fouten: number;
}

export async function maakSchool(db: Executor, naam: string, brin: string | null): Promise<string> {
  const rij = await db.insertInto('scholen').values({ naam, brin }).returning('id').executeTakeFirstOrThrow();
  return rij.id;
}

/**
 * The school with its koppeling state: the status of its newest key (null: no key yet) and whether
 * signing is on (never the secret).
 */
export async function leesSchool(db: Executor, id: string): Promise<SchoolRij | undefined> {
  return db
    .selectFrom('scholen as s')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('koppeling_sleutels as k')
          .select(['k.status', 'k.geactiveerd_op'])
          .whereRef('k.school_id', '=', 's.id')
          .orderBy('k.aangemaakt_op', 'desc')
          .orderBy('k.id', 'desc')
          .limit(1)
          .as('k'),
      (join) => join.onTrue(),
    )
    .select([
      's.id',
      's.naam',
      's.brin',
      's.boom_wijzigingen_verwerken',
      'k.status as koppeling_status',
      'k.geactiveerd_op',
      sql<boolean>`exists (select 1 from koppeling_ondertekening o where o.school_id = s.id)`.as(
        'ondertekening',
      ),
      (eb) =>
        eb
          .selectFrom('aanbiedingen as a')
          .select((e) => e.fn.max('a.ontvangen_op').as('m'))
          .whereRef('a.school_id', '=', 's.id')
          .as('laatste_aanbieding_op'),
      sql<number>`(select count(*)::int from foutmeldingen f where f.school_id = s.id and f.status = 'open')`.as(
        'open_fouten',
      ),
    ])
    .where('s.id', '=', id)
    .executeTakeFirst() as Promise<SchoolRij | undefined>;
}

export async function wijzigSchool(
  db: Executor,
  id: string,
  wijziging: { naam?: string; boomWijzigingenVerwerken?: boolean },
): Promise<boolean> {
  const set: { naam?: string; boom_wijzigingen_verwerken?: boolean } = {};
  if (wijziging.naam !== undefined) set.naam = wijziging.naam;
  if (wijziging.boomWijzigingenVerwerken !== undefined)
    set.boom_wijzigingen_verwerken = wijziging.boomWijzigingenVerwerken;
  if (Object.keys(set).length === 0) return (await bestaatSchool(db, id, false)) !== undefined;
  const r = await db.updateTable('scholen').set(set).where('id', '=', id).executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** Whether the school exists; with `vergrendel`, its row is locked for the rest of the transaction. */
export async function bestaatSchool(
  db: Executor,
  id: string,
  vergrendel: boolean,
): Promise<true | undefined> {
  let q = db.selectFrom('scholen').select('id').where('id', '=', id);
  if (vergrendel) q = q.forUpdate();
  return (await q.executeTakeFirst()) ? true : undefined;
}

/** Schools on (naam, id); `zoek` matches part of the name or the BRIN, case-insensitively. */
export async function lijstScholen(
  db: Executor,
  zoek: string | undefined,
  limit: number,
  na: string[] | undefined,
) {
  let q = db.selectFrom('scholen').select('id');
  if (zoek !== undefined)
    q = q.where((eb) => eb.or([eb('naam', 'ilike', bevat(zoek)), eb('brin', 'ilike', bevat(zoek))]));
  if (na !== undefined) q = q.where(sql<boolean>`(naam, id) > (${na[0]}, ${na[1]}::uuid)`);
  return q
    .select('naam')
    .orderBy('naam')
    .orderBy('id')
    .limit(limit + 1)
    .execute();
}
