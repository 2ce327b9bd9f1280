import t from 'tap';
import { buildTestApp, tel } from '../helpers/app.js';
import { lever } from '../helpers/boom.js';
import { aanbieding, maakLeerling, resultaat, standaardSchool } from '../helpers/fixtures.js';

// Issue 11, CONTRACT §2 "Bounded work" and "No string anywhere may hold a NUL character or a lone UTF-16
// surrogate ... in every route": what a request costs is bounded by the contract, not by the sender; a 422
// lists at most 100 errors with their total (`aantalFouten`); a NUL or lone surrogate anywhere in a JSON
// body (fields outside the contract, which are dropped, and keys included) is a 422.

/** The bodies here are JSON text, sent as they are. */
const json = { headers: { 'content-type': 'application/json' } };

t.test('1001 results: a 422 on resultaten, after bounded work', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  const res = await lever(
    ctx,
    s.auth,
    JSON.stringify(aanbieding(Array.from({ length: 1001 }, (_, i) => resultaat({ resultaatKey: `R-${i}` })))),
    json,
  );
  t.equal(res.statusCode, 422, res.body);
  t.same(res.json().errors, [{ pad: 'resultaten', melding: 'hoogstens 1000 resultaten' }]);
  t.equal(res.json().aantalFouten, 1);
  t.equal(await tel(ctx, 'toetsresultaten'), 0);
});

t.test('a 100,000-item array is rejected quickly, with at most 100 errors', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  for (const item of ['{}', '1', '"\\u0000"']) {
    const body = `{"berichtId":"groot","verzondenOp":"2026-02-04T10:15:22Z","resultaten":[${Array(100_000).fill(item).join(',')}]}`;
    const begin = performance.now();
    const res = await lever(ctx, s.auth, body, json);
    const ms = performance.now() - begin;
    t.equal(res.statusCode, 422, `${item}: ${res.body.slice(0, 200)}`);
    const p = res.json();
    t.ok(p.errors.length <= 100, `${item}: ${p.errors.length} errors listed`);
    t.ok(p.aantalFouten >= p.errors.length, `${item}: total ${p.aantalFouten}`);
    t.ok(ms < 2_000, `${item}: answered in ${Math.round(ms)} ms`);
  }
  t.equal(await tel(ctx, 'toetsresultaten'), 0);
});

t.test('a 422 lists at most 100 errors and says how many there are', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  // 1000 results, each with two bad fields: 2000 errors.
  const slecht = Array.from({ length: 1000 }, (_, i) =>
    resultaat({ resultaatKey: `R-${i}`, revisie: 0, reden: 'x' }),
  );
  const res = await lever(ctx, s.auth, JSON.stringify(aanbieding(slecht)), json);
  t.equal(res.statusCode, 422);
  const p = res.json();
  t.equal(p.errors.length, 100);
  t.equal(p.aantalFouten, 2000);
  t.same(p.errors[0], { pad: 'resultaten[0].revisie', melding: p.errors[0].melding });

  // Through the operators' routes too: 5000 bulk rows naming unknown pupils.
  const items = Array.from({ length: 5000 }, (_, i) => ({
    leerlingId: `X-${i}`,
    boomLeerlingnummer: `${i}`,
  }));
  const bulk = await ctx.app.inject({
    method: 'PUT',
    url: `/v1/beheer/scholen/${s.schoolId}/boom-nummers`,
    headers: ctx.beheer,
    payload: { items },
  });
  t.equal(bulk.statusCode, 422);
  t.equal(bulk.json().errors.length, 100);
  t.equal(bulk.json().aantalFouten, 5000);
});

const geldig = JSON.stringify(aanbieding([resultaat()], 'nul-1'));
/** The valid delivery with `stuk` (JSON text) as an extra member of the first result. */
const metExtra = (stuk: string) => geldig.replace('"resultaatKey"', `${stuk},"resultaatKey"`);

t.test(
  'a NUL or lone surrogate anywhere in the body is a 422, also where the field is dropped',
  async (t) => {
    const ctx = await buildTestApp(t);
    const s = await standaardSchool(ctx);
    const gevallen: Array<[string, string, string]> = [
      ['an unknown field', metExtra('"naam":"Jan\\u0000"'), 'resultaten[0].naam'],
      ['an unknown nested field', metExtra('"x":{"y":["a","\\u0000"]}'), 'resultaten[0].x.y[1]'],
      ['an unknown field, a lone surrogate', metExtra('"naam":"\\ud800"'), 'resultaten[0].naam'],
      ['a key', metExtra('"na\\u0000am":"Jan"'), 'resultaten[0]'],
      ['a key, a lone surrogate', geldig.replace('{"berichtId"', '{"\\udfff":1,"berichtId"'), 'body'],
      [
        'an envelope field outside the contract',
        geldig.replace('{"berichtId"', '{"x":"\\u0000","berichtId"'),
        'x',
      ],
    ];
    for (const [naam, body, pad] of gevallen) {
      const res = await lever(ctx, s.auth, body, json);
      t.equal(res.statusCode, 422, `${naam}: ${res.body}`);
      t.equal(res.json().code, 'VALIDATIE_MISLUKT');
      t.same(
        res.json().errors.map((e: { pad: string }) => e.pad),
        [pad],
        naam,
      );
    }
    t.equal(await tel(ctx, 'toetsresultaten'), 0, 'nothing stored');
    const { rows } = await ctx.sql.query(
      'SELECT afgewezen_status, count(*)::int AS n FROM aanbiedingen GROUP BY 1',
    );
    t.same(rows, [{ afgewezen_status: 422, n: gevallen.length }], 'each recorded as a 422');

    // Many: at most 100 listed, all counted.
    const veel = Array.from({ length: 500 }, (_, i) => `"x${i}":"\\u0000"`).join(',');
    const res = await lever(ctx, s.auth, metExtra(veel), json);
    t.equal(res.statusCode, 422);
    t.equal(res.json().errors.length, 100);
    t.equal(res.json().aantalFouten, 500);

    // The same delivery without them is fine.
    t.equal((await lever(ctx, s.auth, geldig, json)).statusCode, 200);
  },
);

t.test('in the operators’ routes too', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  const scholen = await ctx.app.inject({
    method: 'POST',
    url: '/v1/beheer/scholen',
    headers: { ...ctx.beheer, 'content-type': 'application/json' },
    payload: '{"naam":"Nieuw","opmerking":"\\u0000"}',
  });
  t.equal(scholen.statusCode, 422, scholen.body);
  t.same(scholen.json().errors, [{ pad: 'opmerking', melding: 'mag geen NUL-teken bevatten' }]);
  await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-2' });
  const leerling = await ctx.app.inject({
    method: 'PUT',
    url: `/v1/beheer/scholen/${s.schoolId}/leerlingen/LL-2`,
    headers: { ...ctx.beheer, 'content-type': 'application/json' },
    payload: '{"fase":"F3","\\ud83d":true}',
  });
  t.equal(leerling.statusCode, 422, leerling.body);
  const { rows } = await ctx.sql.query("SELECT fase FROM leerlingen WHERE leerling_id = 'LL-2'");
  t.same(rows, [{ fase: 'F2' }], 'nothing changed');
  t.equal(await tel(ctx, 'scholen'), 1);
});

t.test('deep nesting is walked without recursion', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  const diep = 200_000;
  const res = await lever(ctx, s.auth, metExtra(`"x":${'['.repeat(diep)}"\\u0000"${']'.repeat(diep)}`), json);
  t.equal(res.statusCode, 422, res.body.slice(0, 300));
  t.equal(res.json().errors.length, 1);
});
