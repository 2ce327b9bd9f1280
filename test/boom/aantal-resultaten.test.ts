import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { lever } from '../helpers/boom.js';
import { aanbieding, resultaat, standaardSchool } from '../helpers/fixtures.js';

// Issue 17 (d): `resultaten` holds 1–1000 items (CONTRACT §2). Exactly 1000 is handled; 1001 is a 422 that
// applies nothing and leaves the berichtId unused. Only the status, the code and a pad naming `resultaten`
// are asserted: how many errors a 422 lists is another rule (at most 100, with the total).

const veel = (n: number) =>
  Array.from({ length: n }, (_, i) => resultaat({ resultaatKey: `K-${String(i).padStart(4, '0')}` }));

t.test('a delivery of 1001 results is a 422; exactly 1000 are handled', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);

  const teVeel = await lever(ctx, s.auth, aanbieding(veel(1001), 'bericht-1001'));
  t.equal(teVeel.statusCode, 422);
  t.match(teVeel.headers['content-type'], /^application\/problem\+json/);
  const body = teVeel.json();
  t.equal(body.code, 'VALIDATIE_MISLUKT');
  t.ok(
    body.errors.some((e: { pad: string }) => e.pad === 'resultaten'),
    'an error names resultaten itself',
  );
  const na422 = await ctx.sql.query(`SELECT
      (SELECT count(*)::int FROM toetsresultaten) AS huidig,
      (SELECT count(*)::int FROM resultaat_revisies) AS revisies,
      (SELECT count(*)::int FROM foutmeldingen) AS fouten`);
  t.same(na422.rows, [{ huidig: 0, revisies: 0, fouten: 0 }], 'nothing of it applied');
  const afgewezen = await ctx.sql.query('SELECT afgewezen_status, afgewezen_code FROM aanbiedingen');
  t.same(afgewezen.rows, [{ afgewezen_status: 422, afgewezen_code: 'VALIDATIE_MISLUKT' }]);

  // 1000, with the berichtId the 422 left unused.
  const precies = await lever(ctx, s.auth, aanbieding(veel(1000), 'bericht-1001'));
  t.equal(precies.statusCode, 200);
  const uitkomsten = precies.json().resultaten as Array<{ resultaatKey: string; status: string }>;
  t.equal(uitkomsten.length, 1000);
  t.ok(
    uitkomsten.every((u) => u.status === 'verwerkt'),
    'every one verwerkt',
  );
  t.equal(uitkomsten[999]?.resultaatKey, 'K-0999', 'in order');
  const rijen = await ctx.sql.query(`SELECT
      (SELECT count(*)::int FROM toetsresultaten) AS huidig,
      (SELECT count(*)::int FROM resultaat_revisies) AS revisies`);
  t.same(rijen.rows, [{ huidig: 1000, revisies: 1000 }]);
  const aanb = await ctx.sql.query(
    'SELECT aantal_resultaten, afgewezen_status FROM aanbiedingen WHERE afgewezen_status IS NULL',
  );
  t.same(aanb.rows, [{ aantal_resultaten: 1000, afgewezen_status: null }]);
});
