import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { maakSchoolZonderSleutel, maakToets } from '../helpers/fixtures.js';

t.test('the toets catalogue: create 201, replace 200 with its onderdelen, get, 404', async (t) => {
  const ctx = await buildTestApp(t);
  const put = (payload: object, code = 'BLVS-SP') =>
    ctx.app.inject({ method: 'PUT', url: `/v1/beheer/toetsen/${code}`, headers: ctx.beheer, payload });

  const nieuw = await put({
    naam: 'Spelling',
    vak: 'spelling',
    onderdelen: [
      { code: 'WOORDEN', naam: 'Woorden' },
      { code: 'WERKWOORDEN', naam: 'Werkwoorden' },
    ],
  });
  t.equal(nieuw.statusCode, 201);
  t.same(nieuw.json(), {
    code: 'BLVS-SP',
    naam: 'Spelling',
    vak: 'spelling',
    onderdelen: [
      { code: 'WERKWOORDEN', naam: 'Werkwoorden' },
      { code: 'WOORDEN', naam: 'Woorden' },
    ],
    geheeld: 0,
  });

  const vervang = await put({
    naam: 'Spelling 2',
    vak: 'taal',
    onderdelen: [{ code: 'WOORDEN', naam: 'Woordjes' }],
  });
  t.equal(vervang.statusCode, 200);
  t.same(vervang.json(), {
    code: 'BLVS-SP',
    naam: 'Spelling 2',
    vak: 'taal',
    onderdelen: [{ code: 'WOORDEN', naam: 'Woordjes' }],
    geheeld: 0,
  });
  const { rows } = await ctx.sql.query('SELECT toets_code, code, naam FROM toetsonderdelen');
  t.same(rows, [{ toets_code: 'BLVS-SP', code: 'WOORDEN', naam: 'Woordjes' }]);

  const get = await ctx.app.inject({ method: 'GET', url: '/v1/beheer/toetsen/BLVS-SP', headers: ctx.beheer });
  t.equal(get.statusCode, 200);
  t.same(get.json(), {
    code: 'BLVS-SP',
    naam: 'Spelling 2',
    vak: 'taal',
    onderdelen: [{ code: 'WOORDEN', naam: 'Woordjes' }],
  });

  const leeg = await put({ naam: 'Spelling 3', vak: 'taal', onderdelen: [] });
  t.equal(leeg.statusCode, 200);
  t.same((await ctx.sql.query('SELECT * FROM toetsonderdelen')).rows, []);

  const onbekend = await ctx.app.inject({
    method: 'GET',
    url: '/v1/beheer/toetsen/NOPE',
    headers: ctx.beheer,
  });
  t.equal(onbekend.statusCode, 404);
  t.match(onbekend.json(), { code: 'NIET_GEVONDEN' });

  const fout = await put({
    naam: '',
    vak: 'x'.repeat(33),
    onderdelen: [
      { code: 'A', naam: 'a' },
      { code: 'A', naam: 'b' },
    ],
  });
  t.equal(fout.statusCode, 422);
  t.same(
    fout
      .json()
      .errors.map((e: { pad: string }) => e.pad)
      .sort(),
    ['naam', 'onderdelen[1].code', 'vak'],
  );
  const dubbel = await put({
    naam: 'x',
    vak: 'x',
    onderdelen: [
      { code: 'A', naam: 'a' },
      { code: 'A', naam: 'b' },
    ],
  });
  t.equal(dubbel.statusCode, 422);
  t.same(dubbel.json().errors, [{ pad: 'onderdelen[1].code', melding: 'deze code staat er al eerder in' }]);
});

t.test('the catalogue list pages by code', async (t) => {
  const ctx = await buildTestApp(t);
  for (const c of ['C', 'A', 'E', 'B', 'D'])
    await maakToets(ctx, c, 'rekenen', c === 'A' ? [{ code: 'X', naam: 'X' }] : []);
  const codes: string[] = [];
  let cursor: string | null = null;
  let paginas = 0;
  do {
    const url: string = `/v1/beheer/toetsen?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
    const res = await ctx.app.inject({ method: 'GET', url, headers: ctx.beheer });
    t.equal(res.statusCode, 200);
    const body = res.json();
    codes.push(...body.items.map((i: { code: string }) => i.code));
    if (paginas === 0)
      t.same(body.items[0], {
        code: 'A',
        naam: 'Toets A',
        vak: 'rekenen',
        onderdelen: [{ code: 'X', naam: 'X' }],
      });
    cursor = body.volgende;
    paginas++;
  } while (cursor !== null);
  t.same(codes, ['A', 'B', 'C', 'D', 'E']);
  t.equal(paginas, 3);

  const standaard = await ctx.app.inject({ method: 'GET', url: '/v1/beheer/toetsen', headers: ctx.beheer });
  t.same(standaard.json().volgende, null);
  t.equal(standaard.json().items.length, 5);

  for (const q of [
    'limit=0',
    'limit=501',
    'limit=abc',
    'limit=1.5',
    'cursor=!!',
    'cursor=bm9wZQ',
    'cursor=',
  ]) {
    const res = await ctx.app.inject({ method: 'GET', url: `/v1/beheer/toetsen?${q}`, headers: ctx.beheer });
    t.equal(res.statusCode, 422, q);
    t.same(
      res.json().errors.map((e: { pad: string }) => e.pad),
      [q.split('=')[0]],
      q,
    );
  }
});

t.test('schooltoetsen: replace the set; an unknown code is a 422 naming it', async (t) => {
  const ctx = await buildTestApp(t);
  const { schoolId } = await maakSchoolZonderSleutel(ctx);
  await maakToets(ctx, 'BLVS-SP', 'spelling', []);
  await maakToets(ctx, 'BLVS-RW', 'rekenen', []);
  const url = `/v1/beheer/scholen/${schoolId}/schooltoetsen`;
  const put = (toetsen: unknown) =>
    ctx.app.inject({ method: 'PUT', url, headers: ctx.beheer, payload: { toetsen } });
  const set = async () =>
    (
      await ctx.sql.query('SELECT toets_code FROM schooltoetsen WHERE school_id = $1 ORDER BY 1', [schoolId])
    ).rows.map((r) => r.toets_code);

  const eerst = await put(['BLVS-SP', 'BLVS-RW', 'BLVS-SP']);
  t.equal(eerst.statusCode, 200);
  t.same(eerst.json(), { toetsen: ['BLVS-RW', 'BLVS-SP'] });
  t.same(await set(), ['BLVS-RW', 'BLVS-SP']);

  const fout = await put(['BLVS-RW', 'NOPE', 'BLVS-SP', 'OOK-NIET']);
  t.equal(fout.statusCode, 422);
  t.same(fout.json().errors, [
    { pad: 'toetsen[1]', melding: 'deze toets staat niet in de catalogus' },
    { pad: 'toetsen[3]', melding: 'deze toets staat niet in de catalogus' },
  ]);
  t.same(await set(), ['BLVS-RW', 'BLVS-SP'], 'nothing changed');

  const minder = await put(['BLVS-RW']);
  t.same(minder.json(), { toetsen: ['BLVS-RW'] });
  t.same(await set(), ['BLVS-RW']);
  t.same((await put([])).json(), { toetsen: [] });
  t.same(await set(), []);

  const nul = await put(['a\u0000']);
  t.equal(nul.statusCode, 422);
  t.same(
    nul.json().errors.map((e: { pad: string }) => e.pad),
    ['toetsen[0]'],
  );
  const onbekend = await ctx.app.inject({
    method: 'PUT',
    url: '/v1/beheer/scholen/00000000-0000-4000-8000-000000000000/schooltoetsen',
    headers: ctx.beheer,
    payload: { toetsen: [] },
  });
  t.equal(onbekend.statusCode, 404);
});

t.test('DLE norms: upsert by (vak, fase, toetsdoel), list as numbers, validation', async (t) => {
  const ctx = await buildTestApp(t);
  const put = (items: unknown) =>
    ctx.app.inject({ method: 'PUT', url: '/v1/beheer/dle-normen', headers: ctx.beheer, payload: { items } });

  const eerst = await put([
    { vak: 'spelling', fase: 'F1', toetsdoel: 'PO', normDle: 20 },
    { vak: 'spelling', fase: 'F2', toetsdoel: 'PO', normDle: 22.5 },
    { vak: 'rekenen', fase: 'F1', toetsdoel: 'PO', normDle: 0 },
  ]);
  t.equal(eerst.statusCode, 200);
  t.same(eerst.json(), { bijgewerkt: 3 });
  const tweede = await put([{ vak: 'spelling', fase: 'F1', toetsdoel: 'PO', normDle: 60 }]);
  t.same(tweede.json(), { bijgewerkt: 1 });
  const { rows } = await ctx.sql.query(
    'SELECT vak, fase, toetsdoel, norm_dle FROM dle_normen ORDER BY 1, 2, 3',
  );
  t.same(rows, [
    { vak: 'rekenen', fase: 'F1', toetsdoel: 'PO', norm_dle: '0.0' },
    { vak: 'spelling', fase: 'F1', toetsdoel: 'PO', norm_dle: '60.0' },
    { vak: 'spelling', fase: 'F2', toetsdoel: 'PO', norm_dle: '22.5' },
  ]);

  const p1 = await ctx.app.inject({
    method: 'GET',
    url: '/v1/beheer/dle-normen?limit=2',
    headers: ctx.beheer,
  });
  t.equal(p1.statusCode, 200);
  t.same(p1.json().items, [
    { vak: 'rekenen', fase: 'F1', toetsdoel: 'PO', normDle: 0 },
    { vak: 'spelling', fase: 'F1', toetsdoel: 'PO', normDle: 60 },
  ]);
  const p2 = await ctx.app.inject({
    method: 'GET',
    url: `/v1/beheer/dle-normen?limit=2&cursor=${p1.json().volgende}`,
    headers: ctx.beheer,
  });
  t.same(p2.json(), {
    items: [{ vak: 'spelling', fase: 'F2', toetsdoel: 'PO', normDle: 22.5 }],
    volgende: null,
  });

  const fout = await put([
    { vak: 'a', fase: 'b', toetsdoel: 'c', normDle: 22.55 },
    { vak: 'a', fase: 'b', toetsdoel: 'c', normDle: 61 },
    { vak: '', fase: 'b', toetsdoel: 'c', normDle: -1 },
    { vak: 'a', fase: 'b', toetsdoel: 'c', normDle: '22' },
  ]);
  t.equal(fout.statusCode, 422);
  t.same(
    fout
      .json()
      .errors.map((e: { pad: string }) => e.pad)
      .sort(),
    ['items[0].normDle', 'items[1].normDle', 'items[2].normDle', 'items[2].vak', 'items[3].normDle'],
  );
  const dubbel = await put([
    { vak: 'a', fase: 'b', toetsdoel: 'c', normDle: 1 },
    { vak: 'a', fase: 'b', toetsdoel: 'c', normDle: 2 },
  ]);
  t.equal(dubbel.statusCode, 422);
  t.same(dubbel.json().errors, [
    { pad: 'items[1]', melding: 'deze (vak, fase, toetsdoel) staat er al eerder in' },
  ]);
  t.equal((await ctx.sql.query('SELECT count(*)::int AS n FROM dle_normen')).rows[0].n, 3);
});
