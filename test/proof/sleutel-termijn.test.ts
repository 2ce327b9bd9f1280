import pg from 'pg';
import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { lever } from '../helpers/boom.js';
import { aanbieding, resultaat, standaardSchool } from '../helpers/fixtures.js';
import { binnen, wacht } from '../helpers/restartable-postgres.js';

// CONTRACT §2 "Time and fairness": the key check is part of the request's time. Key lookups of requests that
// arrive together share one query, one query at a time (src/boom/auth.ts); a lookup waiting for its turn
// behind one that hangs (the table locked by a migration) must still be over by its own request's
// deadline, not by the deadline of the lookup in front of it plus its own.

const RESPONSE_DEADLINE_MS = 3000;

t.test('a key lookup queued behind one that hangs is answered by its own deadline (503)', async (t) => {
  const ctx = await buildTestApp(t, { RESPONSE_DEADLINE_MS: String(RESPONSE_DEADLINE_MS) });
  const s = await standaardSchool(ctx);
  const stuur = async (berichtId: string) => {
    const start = performance.now();
    const res = await lever(
      ctx,
      s.auth,
      aanbieding([resultaat({ resultaatKey: `K-${berichtId}` })], berichtId),
    );
    return { res, ms: performance.now() - start };
  };
  t.equal((await stuur('voor')).res.statusCode, 200, 'a delivery before the lock');

  const houder = new pg.Client({ connectionString: ctx.url });
  await houder.connect();
  t.teardown(() => houder.end());
  await houder.query('BEGIN');
  await houder.query('LOCK TABLE koppeling_sleutels IN ACCESS EXCLUSIVE MODE');

  const eerste = stuur('eerste'); // its lookup hangs on the lock
  await wacht(200);
  const tweede = await binnen(20_000, 'the second request', stuur('tweede'));
  t.equal(tweede.res.statusCode, 503, 'the queued lookup: 503');
  t.match(tweede.res.json(), { code: 'ANTWOORDTIJD_VERSTREKEN' });
  // Without its own deadline it waited for the first lookup to give up (~3 s) and then for its own (~3 s).
  t.ok(
    tweede.ms < RESPONSE_DEADLINE_MS + 1000,
    `answered by its own deadline: ${Math.round(tweede.ms)} ms (deadline ${RESPONSE_DEADLINE_MS} ms)`,
  );
  const een = await binnen(20_000, 'the first request', eerste);
  t.equal(een.res.statusCode, 503, 'the hanging lookup: 503 by its deadline');
  t.ok(een.ms < RESPONSE_DEADLINE_MS + 1000, `answered in ${Math.round(een.ms)} ms`);

  await houder.query('ROLLBACK');
  t.equal((await stuur('na')).res.statusCode, 200, 'after the lock: accepted');
  const { rows } = await ctx.sql.query(`SELECT bericht_id FROM aanbiedingen ORDER BY bericht_id`);
  t.same(
    rows.map((r) => r.bericht_id),
    ['na', 'voor'],
    'nothing of the two refused requests was kept',
  );
});
