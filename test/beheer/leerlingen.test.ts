import t from 'tap';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { maakLeerling, maakSchoolZonderSleutel } from '../helpers/fixtures.js';

/** The pupils here are made without fase and toetsdoel (maakLeerling's defaults are F2 and PO-midden). */
const zonderFaseEnDoel = { fase: null, toetsdoel: null };

async function leerlingen(ctx: TestContext, schoolId: string) {
  const { rows } = await ctx.sql.query(
    `SELECT leerling_id, boom_leerlingnummer, fase, toetsdoel FROM leerlingen WHERE school_id = $1 ORDER BY leerling_id`,
    [schoolId],
  );
  return rows;
}

t.test('PUT one pupil: create 201, change 200, omitted keeps, null clears', async (t) => {
  const ctx = await buildTestApp(t);
  const { schoolId } = await maakSchoolZonderSleutel(ctx);
  const url = `/v1/beheer/scholen/${schoolId}/leerlingen/LL-1`;
  const put = (payload: object) => ctx.app.inject({ method: 'PUT', url, headers: ctx.beheer, payload });

  const nieuw = await put({ boomLeerlingnummer: '4839201', fase: 'F1' });
  t.equal(nieuw.statusCode, 201);
  t.same(nieuw.json(), {
    leerlingId: 'LL-1',
    boomLeerlingnummer: '4839201',
    fase: 'F1',
    toetsdoel: null,
    geheeld: 0,
  });

  const doel = await put({ toetsdoel: 'NIN-2' });
  t.equal(doel.statusCode, 200);
  t.same(doel.json(), {
    leerlingId: 'LL-1',
    boomLeerlingnummer: '4839201',
    fase: 'F1',
    toetsdoel: 'NIN-2',
    geheeld: 0,
  });

  const leeg = await put({ fase: null });
  t.equal(leeg.statusCode, 200);
  t.same(leeg.json(), {
    leerlingId: 'LL-1',
    boomLeerlingnummer: '4839201',
    fase: null,
    toetsdoel: 'NIN-2',
    geheeld: 0,
  });

  const niets = await put({});
  t.equal(niets.statusCode, 200);
  t.same(await leerlingen(ctx, schoolId), [
    { leerling_id: 'LL-1', boom_leerlingnummer: '4839201', fase: null, toetsdoel: 'NIN-2' },
  ]);
});

t.test('a Boom number another pupil has is a 409, and nothing changes', async (t) => {
  const ctx = await buildTestApp(t);
  const { schoolId } = await maakSchoolZonderSleutel(ctx);
  const { schoolId: ander } = await maakSchoolZonderSleutel(ctx, { naam: 'Andere school' });
  await maakLeerling(ctx, schoolId, { leerlingId: 'A', boomLeerlingnummer: '111', ...zonderFaseEnDoel });
  await maakLeerling(ctx, ander, { leerlingId: 'Z', boomLeerlingnummer: '222', ...zonderFaseEnDoel });
  const put = (id: string, payload: object, school = schoolId) =>
    ctx.app.inject({
      method: 'PUT',
      url: `/v1/beheer/scholen/${school}/leerlingen/${id}`,
      headers: ctx.beheer,
      payload,
    });

  const bezet = await put('B', { boomLeerlingnummer: '111', fase: 'F1' });
  t.equal(bezet.statusCode, 409);
  t.match(bezet.headers['content-type'], /^application\/problem\+json/);
  t.same(bezet.json(), {
    type: 'urn:boom-koppeling:fout:BOOM_NUMMER_IN_GEBRUIK',
    title: 'Dit Boom-leerlingnummer hoort al bij een andere leerling',
    status: 409,
    code: 'BOOM_NUMMER_IN_GEBRUIK',
    instance: `/v1/beheer/scholen/${schoolId}/leerlingen/B`,
  });
  t.same(await leerlingen(ctx, schoolId), [
    { leerling_id: 'A', boom_leerlingnummer: '111', fase: null, toetsdoel: null },
  ]);

  // A pupil may keep its own number, and another school's number is no clash.
  t.equal((await put('A', { boomLeerlingnummer: '111' })).statusCode, 200);
  t.equal((await put('B', { boomLeerlingnummer: '222' })).statusCode, 201);
});

t.test('PUT one pupil: validation and 404', async (t) => {
  const ctx = await buildTestApp(t);
  const { schoolId } = await maakSchoolZonderSleutel(ctx);
  const bad = await ctx.app.inject({
    method: 'PUT',
    url: `/v1/beheer/scholen/${schoolId}/leerlingen/${'x'.repeat(65)}`,
    headers: ctx.beheer,
    payload: { boomLeerlingnummer: '', fase: 'x'.repeat(33), toetsdoel: 5 },
  });
  t.equal(bad.statusCode, 422);
  t.same(
    bad.json().errors.map((e: { pad: string }) => e.pad),
    ['leerlingId'],
    'params are validated before the body',
  );
  const body = await ctx.app.inject({
    method: 'PUT',
    url: `/v1/beheer/scholen/${schoolId}/leerlingen/LL-1`,
    headers: ctx.beheer,
    payload: { boomLeerlingnummer: '', fase: 'x'.repeat(33), toetsdoel: 5 },
  });
  t.equal(body.statusCode, 422);
  t.same(
    body
      .json()
      .errors.map((e: { pad: string }) => e.pad)
      .sort(),
    ['boomLeerlingnummer', 'fase', 'toetsdoel'],
  );
  const onbekend = await ctx.app.inject({
    method: 'PUT',
    url: '/v1/beheer/scholen/00000000-0000-4000-8000-000000000000/leerlingen/LL-1',
    headers: ctx.beheer,
    payload: {},
  });
  t.equal(onbekend.statusCode, 404);
  t.same(await leerlingen(ctx, schoolId), []);
});

t.test('bulk Boom numbers: a swap, all applied at once', async (t) => {
  const ctx = await buildTestApp(t);
  const { schoolId } = await maakSchoolZonderSleutel(ctx);
  await maakLeerling(ctx, schoolId, { leerlingId: 'A', boomLeerlingnummer: '1', ...zonderFaseEnDoel });
  await maakLeerling(ctx, schoolId, { leerlingId: 'B', boomLeerlingnummer: '2', ...zonderFaseEnDoel });
  await maakLeerling(ctx, schoolId, { leerlingId: 'C', ...zonderFaseEnDoel });
  await maakLeerling(ctx, schoolId, { leerlingId: 'D', boomLeerlingnummer: '4', ...zonderFaseEnDoel });
  const res = await ctx.app.inject({
    method: 'PUT',
    url: `/v1/beheer/scholen/${schoolId}/boom-nummers`,
    headers: ctx.beheer,
    payload: {
      items: [
        { leerlingId: 'A', boomLeerlingnummer: '2' },
        { leerlingId: 'B', boomLeerlingnummer: '1' },
        { leerlingId: 'C', boomLeerlingnummer: '3' },
        { leerlingId: 'D', boomLeerlingnummer: '4' },
      ],
    },
  });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { bijgewerkt: 3, geheeld: 0 });
  t.same(
    (await leerlingen(ctx, schoolId)).map((r) => [r.leerling_id, r.boom_leerlingnummer]),
    [
      ['A', '2'],
      ['B', '1'],
      ['C', '3'],
      ['D', '4'],
    ],
  );
});

t.test('bulk Boom numbers: 422 names every bad row and nothing is applied', async (t) => {
  const ctx = await buildTestApp(t);
  const { schoolId } = await maakSchoolZonderSleutel(ctx);
  await maakLeerling(ctx, schoolId, { leerlingId: 'A', boomLeerlingnummer: '1', ...zonderFaseEnDoel });
  await maakLeerling(ctx, schoolId, { leerlingId: 'B', boomLeerlingnummer: '2', ...zonderFaseEnDoel });
  await maakLeerling(ctx, schoolId, { leerlingId: 'C', ...zonderFaseEnDoel });
  await maakLeerling(ctx, schoolId, { leerlingId: 'D', ...zonderFaseEnDoel });
  const voor = await leerlingen(ctx, schoolId);
  const res = await ctx.app.inject({
    method: 'PUT',
    url: `/v1/beheer/scholen/${schoolId}/boom-nummers`,
    headers: ctx.beheer,
    payload: {
      items: [
        { leerlingId: 'C', boomLeerlingnummer: '9' },
        { leerlingId: 'ONBEKEND', boomLeerlingnummer: '8' },
        { leerlingId: 'D', boomLeerlingnummer: '1' }, // A keeps 1: it is not renumbered here
        { leerlingId: 'B', boomLeerlingnummer: '7' },
        { leerlingId: 'C', boomLeerlingnummer: '7' },
      ],
    },
  });
  t.equal(res.statusCode, 422);
  t.same(res.json(), {
    type: 'urn:boom-koppeling:fout:VALIDATIE_MISLUKT',
    title: 'De aanvraag voldoet niet aan het schema',
    status: 422,
    code: 'VALIDATIE_MISLUKT',
    instance: `/v1/beheer/scholen/${schoolId}/boom-nummers`,
    errors: [
      { pad: 'items[1].leerlingId', melding: 'deze leerling bestaat niet bij deze school' },
      {
        pad: 'items[2].boomLeerlingnummer',
        melding: 'dit Boom-leerlingnummer hoort bij een andere leerling van de school',
      },
      {
        pad: 'items[3].boomLeerlingnummer',
        melding: 'dit Boom-leerlingnummer staat meer dan eens in de aanvraag',
      },
      { pad: 'items[4].leerlingId', melding: 'deze leerling staat meer dan eens in de aanvraag' },
      {
        pad: 'items[4].boomLeerlingnummer',
        melding: 'dit Boom-leerlingnummer staat meer dan eens in de aanvraag',
      },
    ],
    aantalFouten: 5,
  });
  t.same(await leerlingen(ctx, schoolId), voor, 'nothing applied');

  const schema = await ctx.app.inject({
    method: 'PUT',
    url: `/v1/beheer/scholen/${schoolId}/boom-nummers`,
    headers: ctx.beheer,
    payload: {
      items: [
        { leerlingId: 'A', boomLeerlingnummer: '' },
        { leerlingId: 'a b', boomLeerlingnummer: '5' },
      ],
    },
  });
  t.equal(schema.statusCode, 422);
  t.same(
    schema.json().errors.map((e: { pad: string }) => e.pad),
    ['items[0].boomLeerlingnummer', 'items[1].leerlingId'],
  );
  const teVeel = await ctx.app.inject({
    method: 'PUT',
    url: `/v1/beheer/scholen/${schoolId}/boom-nummers`,
    headers: ctx.beheer,
    payload: {
      items: Array.from({ length: 5001 }, (_, i) => ({ leerlingId: `L${i}`, boomLeerlingnummer: `${i}` })),
    },
  });
  t.equal(teVeel.statusCode, 422);
  t.same(
    teVeel.json().errors.map((e: { pad: string }) => e.pad),
    ['items'],
  );
  const onbekend = await ctx.app.inject({
    method: 'PUT',
    url: '/v1/beheer/scholen/nee/boom-nummers',
    headers: ctx.beheer,
    payload: { items: [{ leerlingId: 'A', boomLeerlingnummer: '5' }] },
  });
  t.equal(onbekend.statusCode, 404);
});

t.test('bulk Boom numbers: 5000 rows in one request', async (t) => {
  const ctx = await buildTestApp(t);
  const { schoolId } = await maakSchoolZonderSleutel(ctx);
  await ctx.sql.query(
    `INSERT INTO leerlingen (school_id, leerling_id) SELECT $1, 'L' || g FROM generate_series(0, 4999) g`,
    [schoolId],
  );
  const items = Array.from({ length: 5000 }, (_, i) => ({
    leerlingId: `L${i}`,
    boomLeerlingnummer: `N${4999 - i}`,
  }));
  const res = await ctx.app.inject({
    method: 'PUT',
    url: `/v1/beheer/scholen/${schoolId}/boom-nummers`,
    headers: ctx.beheer,
    payload: { items },
  });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { bijgewerkt: 5000, geheeld: 0 });
  const { rows } = await ctx.sql.query(
    `SELECT count(*)::int AS n FROM leerlingen WHERE 'N' || (4999 - substr(leerling_id, 2)::int) = boom_leerlingnummer`,
  );
  t.equal(rows[0].n, 5000);
});
