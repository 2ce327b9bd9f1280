import t from 'tap';
import { RETENTIE_STAP, verwijderOudeBerichten } from '../src/retentie.js';
import { buildTestApp } from './helpers/app.js';
import { lever } from './helpers/boom.js';
import { aanbieding, resultaat, standaardSchool } from './helpers/fixtures.js';

t.test('retention removes old delivery bodies and keeps their hashes, counts and statuses', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  for (const id of ['oud', 'nieuw']) {
    const res = await lever(ctx, s.auth, aanbieding([resultaat({ resultaatKey: id })], id));
    t.equal(res.statusCode, 200);
  }
  await ctx.sql.query(
    "UPDATE aanbiedingen SET ontvangen_op = now() - interval '31 days' WHERE bericht_id = 'oud'",
  );
  t.equal(await verwijderOudeBerichten(ctx.db, 30), 1);
  t.equal(await verwijderOudeBerichten(ctx.db, 30), 0, 'idempotent');
  const { rows } = await ctx.sql.query(
    `SELECT bericht_id, bericht IS NULL AS leeg, bericht_verwijderd_op IS NOT NULL AS verwijderd,
            inhoud_hash IS NOT NULL AS hash, aantal_resultaten, per_status FROM aanbiedingen ORDER BY bericht_id`,
  );
  t.same(rows, [
    {
      bericht_id: 'nieuw',
      leeg: false,
      verwijderd: false,
      hash: true,
      aantal_resultaten: 1,
      per_status: { verwerkt: 1 },
    },
    {
      bericht_id: 'oud',
      leeg: true,
      verwijderd: true,
      hash: true,
      aantal_resultaten: 1,
      per_status: { verwerkt: 1 },
    },
  ]);
  // A replay of the old delivery still answers from the kept response and hash.
  const replay = await lever(ctx, s.auth, aanbieding([resultaat({ resultaatKey: 'oud' })], 'oud'));
  t.equal(replay.headers['idempotent-replayed'], 'true');
});

t.test('a backlog of 100,000 old bodies clears in one run, in bounded steps; recent ones stay', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  const res = await lever(ctx, s.auth, aanbieding([resultaat()], 'recent'));
  t.equal(res.statusCode, 200);
  // 100,000 old deliveries with a body, some sharing one timestamp (the walk must not skip or repeat
  // any), 50 old rejected ones without a body, and 10 recent ones just inside the retention period.
  await ctx.sql.query(
    `INSERT INTO aanbiedingen (school_id, bericht_id, ontvangen_op, inhoud_hash, bericht, aantal_resultaten, per_status)
     SELECT $1, 'oud-' || g, now() - interval '31 days' - (g / 3) * interval '1 second', '\\x00', '{"r":1}', 1,
            '{"verwerkt":1}'
     FROM generate_series(1, 100000) g`,
    [s.schoolId],
  );
  await ctx.sql.query(
    `INSERT INTO aanbiedingen (school_id, ontvangen_op, afgewezen_status, afgewezen_code)
     SELECT $1, now() - interval '40 days', 422, 'VALIDATIE_MISLUKT' FROM generate_series(1, 50)`,
    [s.schoolId],
  );
  await ctx.sql.query(
    `INSERT INTO aanbiedingen (school_id, bericht_id, ontvangen_op, inhoud_hash, bericht)
     SELECT $1, 'jong-' || g, now() - interval '29 days', '\\x00', '{"r":1}' FROM generate_series(1, 10) g`,
    [s.schoolId],
  );

  t.equal(await verwijderOudeBerichten(ctx.db, 30), 100_000);
  const { rows } = await ctx.sql.query(
    `SELECT split_part(coalesce(bericht_id, 'afgewezen'), '-', 1) AS soort, count(*)::int AS n,
            count(bericht)::int AS met_body, count(bericht_verwijderd_op)::int AS verwijderd
     FROM aanbiedingen GROUP BY 1 ORDER BY 1`,
  );
  t.same(rows, [
    { soort: 'afgewezen', n: 50, met_body: 0, verwijderd: 0 },
    { soort: 'jong', n: 10, met_body: 10, verwijderd: 0 },
    { soort: 'oud', n: 100_000, met_body: 0, verwijderd: 100_000 },
    { soort: 'recent', n: 1, met_body: 1, verwijderd: 0 },
  ]);
  // Rows changed by one transaction share its xmin: no transaction cleared more than one step.
  const stappen = await ctx.sql.query(
    `SELECT count(*)::int AS n FROM aanbiedingen WHERE bericht_verwijderd_op IS NOT NULL GROUP BY xmin::text
     ORDER BY n DESC`,
  );
  t.ok(stappen.rows[0].n <= RETENTIE_STAP, `at most ${RETENTIE_STAP} rows per transaction`);
  t.ok(stappen.rows.length >= 100_000 / RETENTIE_STAP, `${stappen.rows.length} transactions`);
  t.equal(await verwijderOudeBerichten(ctx.db, 30), 0, 'nothing left');
});
