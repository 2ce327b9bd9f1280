import t from 'tap';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { maakLeerling, maakSchoolZonderSleutel, maakToets } from '../helpers/fixtures.js';

async function get(ctx: TestContext, url: string) {
  return ctx.app.inject({ method: 'GET', url: `/v1/beheer${url}`, headers: ctx.beheer });
}

/** Every item of a list, page by page. */
async function alles(ctx: TestContext, pad: string, veld: string, limit: number) {
  const uit: string[] = [];
  let cursor: string | null = null;
  do {
    const sep = pad.includes('?') ? '&' : '?';
    const res = await get(ctx, `${pad}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`);
    uit.push(...res.json().items.map((i: Record<string, string>) => i[veld]));
    cursor = res.json().volgende;
  } while (cursor !== null);
  return uit;
}

t.test('GET /scholen: by name, paged, zoek on name or BRIN, each item as GET /scholen/{id}', async (t) => {
  const ctx = await buildTestApp(t);
  const namen = ['Het Kompas', 'De Regenboog', 'De Regenboog', 'Al Amal', 'Dalton 50%_Noord'];
  const ids = [];
  for (const naam of namen) ids.push((await maakSchoolZonderSleutel(ctx, { naam })).schoolId);
  await ctx.sql.query(`UPDATE scholen SET brin = '12AB' WHERE id = $1`, [ids[0]]);

  const res = await get(ctx, '/scholen');
  t.equal(res.statusCode, 200);
  t.same(
    res.json().items.map((s: { naam: string }) => s.naam),
    ['Al Amal', 'Dalton 50%_Noord', 'De Regenboog', 'De Regenboog', 'Het Kompas'],
  );
  t.same(res.json().items[0], (await get(ctx, `/scholen/${ids[3]}`)).json());
  t.same(
    await alles(ctx, '/scholen', 'naam', 2),
    res.json().items.map((s: { naam: string }) => s.naam),
  );

  t.same((await get(ctx, '/scholen?zoek=regenb')).json().items.length, 2);
  t.same(
    (await get(ctx, '/scholen?zoek=12ab')).json().items.map((s: { id: string }) => s.id),
    [ids[0]],
  );
  // % and _ are the operator's text, not LIKE wildcards.
  t.same(
    (await get(ctx, '/scholen?zoek=50%25_')).json().items.map((s: { naam: string }) => s.naam),
    ['Dalton 50%_Noord'],
  );
  t.same((await get(ctx, '/scholen?zoek=%25')).json().items.length, 1);
  t.equal((await get(ctx, '/scholen?cursor=bm9wZQ')).statusCode, 422);
  t.equal((await get(ctx, '/scholen?zoek=')).statusCode, 422);
});

t.test('GET /scholen/{id}/leerlingen: by leerlingId, paged, zoek, 404 for an unknown school', async (t) => {
  const ctx = await buildTestApp(t);
  const { schoolId: s } = await maakSchoolZonderSleutel(ctx);
  const { schoolId: ander } = await maakSchoolZonderSleutel(ctx, { naam: 'Ander' });
  for (const [id, nr] of [
    ['LL-3', '777'],
    ['LL-1', null],
    ['LL-2', '4839201'],
  ] as const)
    await maakLeerling(ctx, s, { leerlingId: id, boomLeerlingnummer: nr, fase: 'F2', toetsdoel: null });
  await maakLeerling(ctx, ander, {
    leerlingId: 'LL-9',
    boomLeerlingnummer: '1',
    fase: null,
    toetsdoel: null,
  });

  const res = await get(ctx, `/scholen/${s}/leerlingen`);
  t.equal(res.statusCode, 200);
  t.same(res.json(), {
    items: [
      { leerlingId: 'LL-1', boomLeerlingnummer: null, fase: 'F2', toetsdoel: null },
      { leerlingId: 'LL-2', boomLeerlingnummer: '4839201', fase: 'F2', toetsdoel: null },
      { leerlingId: 'LL-3', boomLeerlingnummer: '777', fase: 'F2', toetsdoel: null },
    ],
    volgende: null,
  });
  t.same(await alles(ctx, `/scholen/${s}/leerlingen`, 'leerlingId', 1), ['LL-1', 'LL-2', 'LL-3']);
  t.same(await alles(ctx, `/scholen/${s}/leerlingen?zoek=4839`, 'leerlingId', 1), ['LL-2']);
  t.equal((await get(ctx, '/scholen/00000000-0000-0000-0000-000000000000/leerlingen')).statusCode, 404);
  t.equal((await get(ctx, '/scholen/geen-uuid/leerlingen')).statusCode, 404);
});

t.test('GET /scholen/{id}/schooltoetsen answers the set PUT made', async (t) => {
  const ctx = await buildTestApp(t);
  const { schoolId: s } = await maakSchoolZonderSleutel(ctx);
  await maakToets(ctx, 'BLVS-SP', 'spelling', []);
  await maakToets(ctx, 'BLVS-RW', 'rekenen', []);
  t.same((await get(ctx, `/scholen/${s}/schooltoetsen`)).json(), { toetsen: [] });
  const put = await ctx.app.inject({
    method: 'PUT',
    url: `/v1/beheer/scholen/${s}/schooltoetsen`,
    headers: ctx.beheer,
    payload: { toetsen: ['BLVS-SP', 'BLVS-RW'] },
  });
  t.equal(put.statusCode, 200);
  const res = await get(ctx, `/scholen/${s}/schooltoetsen`);
  t.same(res.json(), { toetsen: ['BLVS-RW', 'BLVS-SP'] });
  t.same(res.json(), put.json());
  t.equal((await get(ctx, '/scholen/00000000-0000-0000-0000-000000000000/schooltoetsen')).statusCode, 404);
});
