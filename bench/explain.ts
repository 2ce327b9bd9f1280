/**
 * `npm run bench:explain`: the statements of one delivery of 500 new results, each with its time, then
 * EXPLAIN (ANALYZE, BUFFERS, WAL) of each on the same data in a transaction that is rolled back.
 * A fresh embedded PostgreSQL (fsync on); the service's own ingestSamen() in-process, no HTTP.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { ingestSamen } from '../src/boom/ingest.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrate.js';
import type { Database } from '../src/db/types.js';
import { aanbieding as aanbiedingSchema } from '../src/schema/boom.js';
import { aanlevering, resultaat, richIn } from './lib/data.js';

const PER = Number(process.env.BENCH_PER_LEVERING_B ?? 500);
const quiet = { info() {}, warn() {} };
const tmp = await mkdtemp(path.join(os.tmpdir(), 'boomk-explain-'));
const server = await startEmbeddedPostgres(path.join(tmp, 'pg'), quiet);
try {
  await migrate(server.url);
  const c = new pg.Client({ connectionString: server.url });
  await c.connect();
  const scholen = await richIn(c, 4, 150);
  const s = scholen[0]!;
  const gelogd: Array<{ sql: string; parameters: readonly unknown[]; ms: number }> = [];
  // Each client's query() is wrapped to log the statements ingest sends through kysely.
  const pool = new pg.Pool({ connectionString: server.url, max: 2 });
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (sql: string, parameters?: unknown[]) => Promise<unknown>;
    (client as unknown as { query: typeof query }).query = (sql, parameters) => {
      const t0 = performance.now();
      const p = query(sql, parameters);
      void p.then(
        () => gelogd.push({ sql, parameters: parameters ?? [], ms: performance.now() - t0 }),
        () => {},
      );
      return p;
    };
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  // BENCH_EXPLAIN_C=1: the logged delivery re-norms (revisie 2, hernormering) the results of an earlier one,
  // as in scenario C; otherwise it brings new results, as in B.
  const herNormering = process.env.BENCH_EXPLAIN_C === '1';
  const delivery = (prefix: string, keys = prefix, revisie = 1) =>
    aanbiedingSchema.parse(
      JSON.parse(
        aanlevering(
          `${prefix}-bericht`,
          Array.from({ length: PER }, (_, n) =>
            resultaat(s.index, n, `${keys}-${s.index}-${n}`, 150, {
              revisie,
              reden: revisie === 1 ? 'nieuw' : 'hernormering',
            }),
          ),
        ),
      ),
    );
  if (herNormering) {
    await ingestSamen(db, [{ schoolId: s.id, aanbieding: delivery('V', 'E') }]);
    await ingestSamen(db, [{ schoolId: s.id, aanbieding: delivery('V2', 'F') }]);
  }
  // Warm up (plans, caches), then the one that is logged.
  for (let i = 0; i < 5; i++) await ingestSamen(db, [{ schoolId: s.id, aanbieding: delivery(`W${i}`) }]);
  gelogd.length = 0;
  const t0 = performance.now();
  await ingestSamen(db, [
    { schoolId: s.id, aanbieding: herNormering ? delivery('E', 'E', 2) : delivery('E') },
  ]);
  const totaal = performance.now() - t0;
  console.log(
    `One delivery of ${PER} new results: ${totaal.toFixed(1)} ms in ingestSamen(), ${gelogd.length} statements:`,
  );
  for (const q of gelogd) console.log(`  ${q.ms.toFixed(2)} ms  ${q.sql.replace(/\s+/g, ' ').slice(0, 100)}`);

  // The same statements for a delivery with other keys and berichtId, under EXPLAIN, rolled back.
  const conn = await pool.connect();
  const { rows: ids } = await c.query<{ id: string }>(
    `SELECT id FROM aanbiedingen WHERE bericht_id = 'E-bericht'`,
  );
  const nieuwId = randomUUID();
  try {
    await conn.query('BEGIN');
    for (const q of gelogd.slice()) /* the EXPLAINs below are logged too */ {
      if (/^(begin|commit)/i.test(q.sql.trim())) continue;
      const params = q.parameters.map((p) =>
        typeof p === 'string' ? p.replaceAll('E-', 'F-').replaceAll(ids[0]!.id, nieuwId) : p,
      );
      const plan = await conn
        .query(
          CompiledQuery.raw(`EXPLAIN (ANALYZE, BUFFERS, WAL, COSTS OFF) ${q.sql}`, params as unknown[]).sql,
          params as unknown[],
        )
        .catch((err: Error) => {
          console.log(`EXPLAIN failed: ${err.message}\n${q.sql}`);
          throw err;
        });
      console.log(`\n--- ${q.sql.replace(/\s+/g, ' ').slice(0, 90)}`);
      for (const r of plan.rows as Array<Record<string, string>>) console.log(r['QUERY PLAN']);
    }
    await conn.query('ROLLBACK');
  } finally {
    conn.release();
  }
  await db.destroy();
  await c.end();
} finally {
  await server.stop();
  await rm(tmp, { recursive: true, force: true });
}
