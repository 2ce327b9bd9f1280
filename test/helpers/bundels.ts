import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Test } from 'tap';
import type { IngestDb, IngestUitkomst, Levering } from '../../src/boom/ingest.js';
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
 * A kysely on the test database that notes every claim statement (verwerking_claim, verwerking_claim_vrij)
 * with the berichtIds it claimed: the proof of which deliveries were written in one transaction.
 */
export function metClaims(
  t: Test,
  url: string,
  /** Holds a claim back until the promise it answers settles (to keep a batch open). */
  houdVast?: (berichtIds: string[]) => Promise<unknown> | undefined,
): { db: IngestDb; claims: string[][] } {
  // As the service's pool (src/db/pool.ts): ingest sends its statements pipelined on the pool's clients.
  const pool = new pg.Pool({ connectionString: url, max: 4, pipeline: true } as pg.PoolConfig);
  pool.on('error', () => {});
  const claims: string[][] = [];
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (sql: unknown, parameters?: unknown[]) => Promise<unknown>;
    (client as unknown as { query: typeof query }).query = (sql, parameters) => {
      // A statement as text and parameters, or as a config (with a query_timeout: src/db/transaction.ts).
      const config = sql as { text?: unknown; values?: unknown[] };
      const text = typeof sql === 'string' ? sql : config?.text;
      const values = typeof sql === 'string' ? parameters : config?.values;
      if (typeof text === 'string' && /verwerking_claim(_vrij)?\(/.test(text)) {
        const ids = [...(values![2] as string[])];
        claims.push(ids);
        const wacht = houdVast?.(ids);
        if (wacht) return wacht.then(() => query(sql, parameters));
      }
      return query(sql, parameters);
    };
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  // Teardowns run last in, first out: this closes before buildTestApp's teardown drops the database.
  t.teardown(() => db.destroy());
  return { db: { db, pool }, claims };
}

/** The test app's database as ingest takes it. */
export function ingestDb(ctx: TestContext): IngestDb {
  return { db: ctx.app.db, pool: ctx.app.pool };
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
