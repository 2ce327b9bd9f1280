import { type RawBuilder, sql } from 'kysely';

// SQL the repositories share: the keyset side of tijdCursor (paging.ts), and `zoek` as a pattern.

/** The sort key of tijdCursor on (timestamp DESC, id DESC): epoch microseconds as text. */
export function tijdSleutel(tijd: string): RawBuilder<string> {
  // extract(epoch …) is numeric (exact) from PostgreSQL 14 on, so the microseconds survive.
  return sql<string>`(extract(epoch from ${sql.ref(tijd)}) * 1000000)::bigint::text`;
}

export function voorCursor(tijd: string, id: string, cursor: string[]): RawBuilder<boolean> {
  const [us, uuid] = cursor;
  return sql<boolean>`(${sql.ref(tijd)}, ${sql.ref(id)}) < (timestamptz 'epoch' + ${us}::bigint * interval '1 microsecond', ${uuid}::uuid)`;
}

/** `zoek` as an ILIKE pattern: the operator's text matches literally, anywhere in the value. */
export function bevat(zoek: string): string {
  return `%${zoek.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
