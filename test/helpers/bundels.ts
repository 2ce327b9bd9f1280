import {
  type AanbiedingVanSchool,
  type Ingest,
  type IngestOpties,
  type IngestUitkomst,
  type IngestWaarneming,
  maakIngest,
} from '../../src/boom/ingest.js';
import type { Db } from '../../src/db/types.js';
import { aanbieding as aanbiedingSchema } from '../../src/schema/boom.js';
import type { Aanbieding } from '../../src/verwerking/index.js';
import type { TestContext } from './app.js';
import { aanbieding } from './fixtures.js';

/** Helpers for the tests of aanbiedingen written together (src/boom/ingest.ts, src/lib/batcher.ts). */

export type Uitkomsten = Array<PromiseSettledResult<IngestUitkomst>>;

/** An aanbieding as the route hands it to ingest: validated by the same zod schema. */
export function geldig(resultaten: unknown[], berichtId: string): Aanbieding {
  return aanbiedingSchema.parse(aanbieding(resultaten, berichtId));
}

export function aanbiedingVan(
  schoolId: string,
  resultaten: unknown[],
  berichtId: string,
): AanbiedingVanSchool {
  return { schoolId, aanbieding: geldig(resultaten, berichtId) };
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
 * An ingest on the test app's database (maakIngestMet) whose every claim is noted with the berichtIds it
 * claimed: the proof of which aanbiedingen were written in one transaction.
 */
export function metClaims(
  ctx: TestContext,
  /** Holds a claim back until the promise it answers settles (to keep a batch open). */
  houdVast?: (berichtIds: string[]) => Promise<unknown> | undefined,
): { claims: string[][]; maakIngestMet: (opties: IngestOpties) => Ingest } {
  const claims: string[][] = [];
  const waarneming: IngestWaarneming = {
    voorClaim: (ids) => {
      claims.push([...ids]);
      return houdVast?.(ids);
    },
  };
  return { claims, maakIngestMet: (opties) => maakIngest(ctx.app.db, opties, waarneming) };
}

/** The test app's database as ingest takes it. */
export function ingestDb(ctx: TestContext): Db {
  return ctx.app.db;
}

export async function rijen(ctx: TestContext, query: string, params: unknown[] = []) {
  return (await ctx.sql.query(query, params)).rows;
}
