import pg from 'pg';
import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { lever } from '../helpers/boom.js';
import { aanbieding, resultaat, standaardSchool } from '../helpers/fixtures.js';

// During a rolling deploy an instance of the version before migration 0004 claims a berichtId by
// inserting its aanbieding first, without the advisory lock the new version takes. The new version then
// meets the unique index at its write: it must wait for the other transaction, then answer as if it had
// come second (409 for another body), never a 500 and never a second accepted delivery.
t.test('a berichtId stored meanwhile without the lock is found on a second run: 409, not 500', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  const oud = new pg.Client({ connectionString: ctx.url });
  await oud.connect();
  t.teardown(() => oud.end());

  await oud.query('BEGIN');
  await oud.query(
    `INSERT INTO aanbiedingen (school_id, bericht_id, inhoud_hash, aantal_resultaten, antwoord)
     VALUES ($1, 'B-ROLLING', decode('00', 'hex'), 1, '{"berichtId":"B-ROLLING"}')`,
    [s.schoolId],
  );
  const verzoek = lever(ctx, s.auth, aanbieding([resultaat()], 'B-ROLLING'));
  // The new version's write now waits on the unique index for the old transaction.
  let wacht = false;
  for (let i = 0; i < 200 && !wacht; i++) {
    await new Promise((r) => setTimeout(r, 25));
    const { rows } = await ctx.sql.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()",
    );
    wacht = rows[0].n > 0;
  }
  t.ok(wacht, 'the write waits for the other transaction');
  await oud.query('COMMIT');

  const res = await verzoek;
  t.equal(res.statusCode, 409);
  t.equal(res.json().code, 'BERICHT_ID_HERGEBRUIKT');
  const { rows } = await ctx.sql.query(
    `SELECT (SELECT count(*)::int FROM aanbiedingen WHERE bericht_id = 'B-ROLLING' AND afgewezen_status IS NULL) AS geaccepteerd,
            (SELECT count(*)::int FROM toetsresultaten) AS resultaten,
            (SELECT count(*)::int FROM resultaat_revisies) AS revisies`,
  );
  t.same(rows[0], { geaccepteerd: 1, resultaten: 0, revisies: 0 }, 'only the other transaction’s delivery');
});
