import type { Executor } from '../db/types.js';
import { eisId, gevonden, nietGevonden } from './niet-gevonden.js';
import { pagina } from './paging.js';
import { leesSchool, lijstScholen, maakSchool, type SchoolRij, wijzigSchool } from './scholen-repo.js';

/** The school with the state of its koppeling, or a 404. */
export async function toonSchool(db: Executor, schoolId: string): Promise<SchoolRij> {
  eisId('school', schoolId);
  return gevonden('school', await leesSchool(db, schoolId));
}

export async function nieuweSchool(db: Executor, naam: string, brin: string | null): Promise<SchoolRij> {
  return toonSchool(db, await maakSchool(db, naam, brin));
}

/** Changes the fields given; an omitted one stays as it was. */
export async function wijzig(
  db: Executor,
  schoolId: string,
  wijziging: { naam?: string; boomWijzigingenVerwerken?: boolean },
): Promise<SchoolRij> {
  eisId('school', schoolId);
  if (!(await wijzigSchool(db, schoolId, wijziging))) throw nietGevonden('school');
  return toonSchool(db, schoolId);
}

/** A page of schools by name, each as `toonSchool` shows it, so the two never drift apart (a page is small). */
export async function pagineerScholen(
  db: Executor,
  zoek: string | undefined,
  limit: number,
  na: string[] | undefined,
) {
  const rijen = await lijstScholen(db, zoek, limit, na);
  const { items, volgende } = pagina(
    rijen,
    limit,
    (r) => r.id,
    (r) => [r.naam, r.id],
  );
  return { items: await Promise.all(items.map((id) => toonSchool(db, id))), volgende };
}
