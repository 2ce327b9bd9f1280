import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { maakLeerling, maakSchoolZonderSleutel, maakToets } from '../helpers/fixtures.js';
import { maakResultaatViaSql } from '../helpers/sql-fixtures.js';

t.test('current results with norms, agreeing with the view doorstroomgrafiek_punten', async (t) => {
  const ctx = await buildTestApp(t);
  const { schoolId: s } = await maakSchoolZonderSleutel(ctx);
  const { schoolId: ander } = await maakSchoolZonderSleutel(ctx, { naam: 'Andere' });
  await maakToets(ctx, 'SP', 'spelling', ['WOORDEN']);
  await maakToets(ctx, 'RW', 'rekenen', []);
  await maakLeerling(ctx, s, { leerlingId: 'A', fase: 'F1', toetsdoel: 'PO' });
  await maakLeerling(ctx, s, { leerlingId: 'B', fase: 'F2', toetsdoel: 'PO' });
  await maakLeerling(ctx, ander, { leerlingId: 'A', fase: 'F1', toetsdoel: 'PO' });
  await ctx.sql.query(
    `INSERT INTO dle_normen VALUES ('spelling', 'F1', 'PO', 20.5), ('rekenen', 'F1', 'PO', 30), ('spelling', 'F2', 'PO', 25)`,
  );
  await ctx.sql.query(`INSERT INTO schooltoetsen VALUES ($1, 'SP')`, [s]);
  await maakResultaatViaSql(ctx, {
    schoolId: s,
    leerlingId: 'A',
    key: 'R1',
    toets: 'SP',
    onderdeel: 'WOORDEN',
    dle: '22.5',
  });
  await maakResultaatViaSql(ctx, { schoolId: s, leerlingId: 'A', key: 'R2', toets: 'RW', dle: '28' });
  await maakResultaatViaSql(ctx, { schoolId: s, leerlingId: 'B', key: 'R3', toets: 'SP', dle: null });
  await maakResultaatViaSql(ctx, {
    schoolId: s,
    leerlingId: 'B',
    key: 'R4',
    toets: 'SP',
    dle: '10',
    ingetrokken: true,
  });
  await maakResultaatViaSql(ctx, { schoolId: ander, leerlingId: 'A', key: 'R9', toets: 'SP', dle: '10' });

  const url = `/v1/beheer/scholen/${s}/resultaten`;
  const res = await ctx.app.inject({ method: 'GET', url, headers: ctx.beheer });
  t.equal(res.statusCode, 200);
  const items = res.json().items;
  t.same(res.json(), {
    items: [
      {
        resultaatKey: 'R1',
        revisie: 1,
        leerlingId: 'A',
        toetsCode: 'SP',
        toetsonderdeelCode: 'WOORDEN',
        afnamedatum: '2026-02-03',
        dle: 22.5,
        normDle: 20.5,
        dleVerschil: 2,
        inDoorstroomgrafiek: true,
      },
      {
        resultaatKey: 'R2',
        revisie: 1,
        leerlingId: 'A',
        toetsCode: 'RW',
        toetsonderdeelCode: null,
        afnamedatum: '2026-02-03',
        dle: 28,
        normDle: 30,
        dleVerschil: -2,
        inDoorstroomgrafiek: false,
      },
      {
        resultaatKey: 'R3',
        revisie: 1,
        leerlingId: 'B',
        toetsCode: 'SP',
        toetsonderdeelCode: null,
        afnamedatum: '2026-02-03',
        dle: null,
        normDle: 25,
        dleVerschil: null,
        inDoorstroomgrafiek: true,
      },
    ],
    volgende: null,
  });

  // Every red dot of the view is a result here with the same numbers, and nothing else is in the graph.
  const { rows } = await ctx.sql.query(
    `SELECT resultaat_key, leerling_id, toets_code, toetsonderdeel_code, afnamedatum, dle::float8 AS dle,
            norm_dle::float8 AS norm_dle, dle_verschil::float8 AS dle_verschil
       FROM doorstroomgrafiek_punten WHERE school_id = $1 ORDER BY resultaat_key`,
    [s],
  );
  const inGrafiek = items.filter((i: { inDoorstroomgrafiek: boolean }) => i.inDoorstroomgrafiek);
  t.same(
    inGrafiek.map((i: Record<string, unknown>) => [
      i.resultaatKey,
      i.leerlingId,
      i.toetsCode,
      i.toetsonderdeelCode,
      i.afnamedatum,
      i.dle,
      i.normDle,
      i.dleVerschil,
    ]),
    rows.map((r) => [
      r.resultaat_key,
      r.leerling_id,
      r.toets_code,
      r.toetsonderdeel_code,
      r.afnamedatum,
      r.dle,
      r.norm_dle,
      r.dle_verschil,
    ]),
  );

  // A new fase moves the norm at once, in the API and in the view alike.
  await ctx.sql.query(`UPDATE leerlingen SET fase = 'F2' WHERE school_id = $1 AND leerling_id = 'A'`, [s]);
  const na = await ctx.app.inject({
    method: 'GET',
    url: `${url}?leerlingId=A&toets=SP`,
    headers: ctx.beheer,
  });
  t.same(
    na.json().items.map((i: { normDle: number; dleVerschil: number }) => [i.normDle, i.dleVerschil]),
    [[25, -2.5]],
  );
  const view = await ctx.sql.query(
    `SELECT norm_dle, dle_verschil FROM doorstroomgrafiek_punten WHERE resultaat_key = 'R1'`,
  );
  t.same(view.rows, [{ norm_dle: '25.0', dle_verschil: '-2.5' }]);

  const p1 = await ctx.app.inject({ method: 'GET', url: `${url}?limit=2`, headers: ctx.beheer });
  t.same(
    p1.json().items.map((i: { resultaatKey: string }) => i.resultaatKey),
    ['R1', 'R2'],
  );
  const p2 = await ctx.app.inject({
    method: 'GET',
    url: `${url}?limit=2&cursor=${p1.json().volgende}`,
    headers: ctx.beheer,
  });
  t.same(
    p2.json().items.map((i: { resultaatKey: string }) => i.resultaatKey),
    ['R3'],
  );
  t.equal(p2.json().volgende, null);

  const alleenB = await ctx.app.inject({ method: 'GET', url: `${url}?leerlingId=B`, headers: ctx.beheer });
  t.same(
    alleenB.json().items.map((i: { resultaatKey: string }) => i.resultaatKey),
    ['R3'],
  );
  const bad = await ctx.app.inject({
    method: 'GET',
    url: `${url}?leerlingId=a%20b&limit=-1`,
    headers: ctx.beheer,
  });
  t.equal(bad.statusCode, 422);
  t.same(
    bad
      .json()
      .errors.map((e: { pad: string }) => e.pad)
      .sort(),
    ['leerlingId', 'limit'],
  );
  const onbekend = await ctx.app.inject({
    method: 'GET',
    url: '/v1/beheer/scholen/00000000-0000-4000-8000-000000000000/resultaten',
    headers: ctx.beheer,
  });
  t.equal(onbekend.statusCode, 404);
});
