import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Test } from 'tap';
import type { IngestUitkomst, Levering } from '../../src/boom/ingest.js';
import { type Aanlevering, aanlevering as aanleveringSchema } from '../../src/boom/schema.js';
import type { Database } from '../../src/db/types.js';
import type { TestContext } from './app.js';
import { aanlevering } from './fixtures.js';

/** Helpers for the tests of deliveries written together (src/boom/ingest.ts, src/db/bundelaar.ts). */

export type Uitkomsten = Array<PromiseSettledResult<IngestUitkomst>>;

/** A delivery as the route hands it to ingest: validated by the same zod schema. */
export function geldig(resultaten: unknown[], berichtId: string): Aanlevering {
  return aanleveringSchema.parse(aanlevering(resultaten, berichtId));
}

export function levering(schoolId: string, resultaten: unknown[], berichtId: string): Levering {
  return { schoolId, aanlevering: geldig(resultaten, berichtId) };
}

export function waarde(u: PromiseSettledResult<IngestUitkomst> | undefined): IngestUitkomst {
  if (u?.status !== 'fulfilled') throw new Error(`expected an answer, got ${JSON.stringify(u)}`);
  return u.value;
}

/** The status of each result of an answer, `fout:CODE` for an error. */
export function statussen(u: PromiseSettledResult<IngestUitkomst> | IngestUitkomst | undefined) {
  const v = u !== undefined && 'antwoord' in u ? u : waarde(u);
  return v.antwoord.resultaten.map((r) => (r.fout ? `fout:${r.fout.code}` : r.status));
}

/**
 * A kysely on the test database that notes every claim statement (verwerking_claim) with the berichtIds
 * it claimed: the proof of which deliveries were written in one transaction.
 */
export function metClaims(t: Test, url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => {});
  const claims: string[][] = [];
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (e) => {
      if (e.query.sql.includes('verwerking_claim(')) claims.push([...(e.query.parameters[2] as string[])]);
    },
  });
  // Teardowns run last in, first out: this closes before buildTestApp's teardown drops the database.
  t.teardown(() => db.destroy());
  return { db, claims };
}

export async function rijen(ctx: TestContext, query: string, params: unknown[] = []) {
  return (await ctx.sql.query(query, params)).rows;
}

export function post(ctx: TestContext, auth: Record<string, string>, body: unknown) {
  return ctx.app.inject({
    method: 'POST',
    url: '/v1/boom/resultaten',
    headers: auth,
    payload: body as object,
  });
}
