import t from 'tap';
import { verwijderOudeBerichten } from '../src/retentie.js';
import { buildTestApp } from './helpers/app.js';
import { aanlevering, resultaat, standaardSchool } from './helpers/fixtures.js';

t.test('retention removes old delivery bodies and keeps their hashes, counts and statuses', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  for (const id of ['oud', 'nieuw']) {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/boom/resultaten',
      headers: s.auth,
      payload: aanlevering([resultaat({ resultaatKey: id })], id),
    });
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
  const replay = await ctx.app.inject({
    method: 'POST',
    url: '/v1/boom/resultaten',
    headers: s.auth,
    payload: aanlevering([resultaat({ resultaatKey: 'oud' })], 'oud'),
  });
  t.equal(replay.headers['idempotent-replayed'], 'true');
});
