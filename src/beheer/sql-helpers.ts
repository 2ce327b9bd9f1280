import { type RawBuilder, sql } from 'kysely';

/** For repositories: the SQL side of tijdCursor (paging.ts) on (timestamp DESC, id DESC). */
export function tijdSleutel(tijd: string): RawBuilder<string> {
  // extract(epoch …) is numeric (exact) from PostgreSQL 14 on, so the microseconds survive.
  return sql<string>`(extract(epoch from ${sql.ref(tijd)}) * 1000000)::bigint::text`;
}

export function voorCursor(tijd: string, id: string, cursor: string[]): RawBuilder<boolean> {
  const [us, uuid] = cursor;
  return sql<boolean>`(${sql.ref(tijd)}, ${sql.ref(id)}) < (timestamptz 'epoch' + ${us}::bigint * interval '1 microsecond', ${uuid}::uuid)`;
}
