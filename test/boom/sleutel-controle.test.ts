import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/types.js';
import { OPERATOR_TOKEN } from '../helpers/app.js';
import { createTestDatabase } from '../helpers/database.js';
import { maakSchool } from '../helpers/fixtures.js';

// The key check does the same work for an unknown key, a wrong key (one character off a valid one) and a
// withdrawn one: the same single query by hash, then a constant-time compare. Tests never time; they
// show the work is identical, which is what keeps the time identical.

t.test('unknown, wrong and withdrawn keys take the same path: one identical query each', async (t) => {
  const url = await createTestDatabase(t);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  // The database is dropped (with FORCE) before the app closes this pool: an idle client is told so.
  pool.on('error', () => {});
  const queries: string[] = [];
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (e) => {
      if (e.level === 'query') queries.push(e.query.sql);
    },
  });
  const logger = pino({ level: 'silent' });
  const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', FAILED_KEYS_MAX: '1000' });
  const app = await buildApp({
    config,
    db: { db, pool, close: () => db.destroy() },
    logger,
    operatorToken: OPERATOR_TOKEN,
  });
  t.teardown(() => app.close());
  const geldig = await maakSchool({ app });
  const ingetrokken = await maakSchool({ app });
  await db
    .updateTable('koppeling_sleutels')
    .set({ status: 'ingetrokken', ingetrokken_op: new Date() })
    .where('id', '=', ingetrokken.sleutelId)
    .execute();

  const last = geldig.sleutel.at(-1) === 'A' ? 'B' : 'A';
  const cases = {
    unknown: 'bk_ditisgeensleutelvanwieookmaarenookgeenbijnagoedeeen0000',
    wrong: `${geldig.sleutel.slice(0, -1)}${last}`,
    withdrawn: ingetrokken.sleutel,
  };
  const seen: Record<string, string[]> = {};
  for (const [name, key] of Object.entries(cases)) {
    queries.length = 0;
    const res = await app.inject({
      method: 'POST',
      url: '/v1/boom/koppeling',
      headers: { authorization: `Bearer ${key}` },
    });
    t.equal(res.statusCode, 401, name);
    seen[name] = [...queries];
  }
  t.equal(seen.unknown!.length, 1, 'one query');
  t.same(seen.wrong, seen.unknown, 'a wrong key runs the same query as an unknown one');
  t.same(seen.withdrawn, seen.unknown, 'so does a withdrawn one');
  t.match(seen.unknown![0], /sleutel_hash/, 'found by its hash, not by scanning keys');

  queries.length = 0;
  const ok = await app.inject({ method: 'POST', url: '/v1/boom/koppeling', headers: geldig.auth });
  t.equal(ok.statusCode, 200);
  t.equal(queries[0], seen.unknown![0], 'a valid key starts with the very same query');
});
