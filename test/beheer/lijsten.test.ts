import t from 'tap';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { maakSchoolZonderSleutel } from '../helpers/fixtures.js';
import { maakFoutViaSql } from '../helpers/sql-fixtures.js';

async function alles(ctx: TestContext, pad: string, limit: number, tussendoor?: () => Promise<void>) {
  const ids: string[] = [];
  let cursor: string | null = null;
  let eerste = true;
  do {
    const sep = pad.includes('?') ? '&' : '?';
    const url: string = `${pad}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`;
    const res = await ctx.app.inject({ method: 'GET', url, headers: ctx.beheer });
    if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`);
    ids.push(...res.json().items.map((i: { id: string }) => i.id));
    cursor = res.json().volgende;
    if (eerste && tussendoor) await tussendoor();
    eerste = false;
  } while (cursor !== null);
  return ids;
}

t.test('the error log: item shape, filters, newest first', async (t) => {
  const ctx = await buildTestApp(t);
  const { schoolId: s1 } = await maakSchoolZonderSleutel(ctx);
  const { schoolId: s2 } = await maakSchoolZonderSleutel(ctx, { naam: 'Tweede' });
  const basis = { nummer: '4839201', toets: 'BLVS-SP' };
  const a = await maakFoutViaSql(ctx, {
    ...basis,
    schoolId: s1,
    code: 'LEERLING_NIET_GEVONDEN',
    key: 'A',
    aangemaaktOp: '2026-02-01T10:00:00Z',
  });
  const b = await maakFoutViaSql(ctx, {
    ...basis,
    schoolId: s1,
    code: 'GEEN_TOETSDOEL',
    key: 'B',
    aangemaaktOp: '2026-02-02T10:00:00Z',
    status: 'genegeerd',
  });
  const c = await maakFoutViaSql(ctx, {
    ...basis,
    schoolId: s2,
    code: 'LEERLING_NIET_GEVONDEN',
    key: 'C',
    onderdeel: 'WOORDEN',
    aangemaaktOp: '2026-02-03T10:00:00Z',
    status: 'opgelost',
  });

  const res = await ctx.app.inject({ method: 'GET', url: '/v1/beheer/fouten', headers: ctx.beheer });
  t.equal(res.statusCode, 200);
  t.same(
    res.json().items.map((i: { id: string }) => i.id),
    [c, b, a],
  );
  t.equal(res.json().volgende, null);
  const item = res.json().items[0];
  t.same(Object.keys(item).sort(), [
    'aangemaaktOp',
    'boomLeerlingnummer',
    'code',
    'id',
    'laatstePogingOp',
    'melding',
    'opgelostOp',
    'pogingen',
    'resultaatKey',
    'revisie',
    'schoolId',
    'status',
    'toetsCode',
    'toetsonderdeelCode',
  ]);
  t.match(item, {
    id: c,
    schoolId: s2,
    code: 'LEERLING_NIET_GEVONDEN',
    status: 'opgelost',
    melding: 'melding',
    resultaatKey: 'C',
    revisie: 1,
    boomLeerlingnummer: '4839201',
    toetsCode: 'BLVS-SP',
    toetsonderdeelCode: 'WOORDEN',
    aangemaaktOp: '2026-02-03T10:00:00.000Z',
    pogingen: 1,
  });
  t.type(item.opgelostOp, 'string');

  const filters: Array<[string, string[]]> = [
    [`schoolId=${s1}`, [b, a]],
    ['code=LEERLING_NIET_GEVONDEN', [c, a]],
    ['status=open', [a]],
    ['vanaf=2026-02-02T10:00:00Z', [c, b]],
    ['tot=2026-02-02T10:00:00%2B00:00', [a]],
    [`schoolId=${s1}&vanaf=2026-02-01T11:00:00%2B01:00&tot=2026-02-03T00:00:00Z`, [b, a]],
  ];
  for (const [q, verwacht] of filters) {
    const r = await ctx.app.inject({ method: 'GET', url: `/v1/beheer/fouten?${q}`, headers: ctx.beheer });
    t.same(
      r.json().items.map((i: { id: string }) => i.id),
      verwacht,
      q,
    );
  }
  for (const q of [
    'schoolId=nee',
    'code=ONBEKEND',
    'status=dicht',
    'vanaf=gisteren',
    'tot=2026-02-01',
    'limit=501',
  ]) {
    const r = await ctx.app.inject({ method: 'GET', url: `/v1/beheer/fouten?${q}`, headers: ctx.beheer });
    t.equal(r.statusCode, 422, q);
    t.same(
      r.json().errors.map((e: { pad: string }) => e.pad),
      [q.split('=')[0]],
      q,
    );
  }
});

t.test('retry and dismiss: 404 for unknown ids, 409 when not open', async (t) => {
  const ctx = await buildTestApp(t);
  const { schoolId: s } = await maakSchoolZonderSleutel(ctx);
  const weg = await maakFoutViaSql(ctx, {
    schoolId: s,
    code: 'REVISIE_CONFLICT',
    key: 'A',
    nummer: '1',
    toets: 'X',
    status: 'genegeerd',
  });
  for (const actie of ['opnieuw', 'negeren']) {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'geen-uuid']) {
      const r = await ctx.app.inject({
        method: 'POST',
        url: `/v1/beheer/fouten/${id}/${actie}`,
        headers: ctx.beheer,
      });
      t.equal(r.statusCode, 404, `${actie} ${id}`);
      t.match(r.json(), { code: 'NIET_GEVONDEN' });
    }
    const r = await ctx.app.inject({
      method: 'POST',
      url: `/v1/beheer/fouten/${weg}/${actie}`,
      headers: ctx.beheer,
    });
    t.equal(r.statusCode, 409, actie);
    t.match(r.json(), { code: 'FOUT_NIET_OPEN', status: 409, detail: 'Deze foutmelding is genegeerd' });
  }
  const open = await maakFoutViaSql(ctx, {
    schoolId: s,
    code: 'REVISIE_CONFLICT',
    key: 'B',
    nummer: '1',
    toets: 'X',
  });
  const r = await ctx.app.inject({
    method: 'POST',
    url: `/v1/beheer/fouten/${open}/negeren`,
    headers: ctx.beheer,
  });
  t.equal(r.statusCode, 200);
  t.match(r.json(), { id: open, status: 'genegeerd', code: 'REVISIE_CONFLICT' });
  t.same((await ctx.sql.query('SELECT status FROM foutmeldingen WHERE id = $1', [open])).rows, [
    { status: 'genegeerd' },
  ]);

  const geen = await ctx.app.inject({
    method: 'POST',
    url: '/v1/beheer/fouten/opnieuw',
    headers: ctx.beheer,
  });
  t.equal(geen.statusCode, 200);
  t.same(geen.json(), { perStatus: { verwerkt: 0, dubbel: 0, verouderd: 0, overgeslagen: 0, fout: 0 } });
  const bad = await ctx.app.inject({
    method: 'POST',
    url: '/v1/beheer/fouten/opnieuw',
    headers: ctx.beheer,
    payload: { schoolId: 'x', code: 'NEE' },
  });
  t.equal(bad.statusCode, 422);
  t.same(
    bad
      .json()
      .errors.map((e: { pad: string }) => e.pad)
      .sort(),
    ['code', 'schoolId'],
  );
});

t.test('keyset paging is stable under inserts and keeps microseconds apart', async (t) => {
  const ctx = await buildTestApp(t);
  const { schoolId: s } = await maakSchoolZonderSleutel(ctx);
  // Rows one microsecond apart, and rows sharing one timestamp: a cursor with a JS Date would fail both.
  const tijden = [
    '2026-02-01T10:00:00.000001Z',
    '2026-02-01T10:00:00.000002Z',
    '2026-02-01T10:00:00.000003Z',
    '2026-02-01T10:00:00.000003Z',
    '2026-02-01T10:00:00.000003Z',
    '2026-02-01T10:00:00.000004Z',
    '2026-02-01T10:00:00.000999Z',
  ];
  for (const [i, op] of tijden.entries())
    await maakFoutViaSql(ctx, {
      schoolId: s,
      code: 'REVISIE_CONFLICT',
      key: `K${i}`,
      nummer: '1',
      toets: 'X',
      aangemaaktOp: op,
    });
  await ctx.sql.query(
    `INSERT INTO aanbiedingen (school_id, ontvangen_op, afgewezen_status, afgewezen_code)
     SELECT $1, unnest($2::timestamptz[]), 422, 'VALIDATIE_MISLUKT'`,
    [s, tijden],
  );
  for (const pad of ['/v1/beheer/fouten', '/v1/beheer/aanbiedingen']) {
    const tabel = pad.endsWith('fouten') ? 'foutmeldingen' : 'aanbiedingen';
    const kolom = pad.endsWith('fouten') ? 'aangemaakt_op' : 'ontvangen_op';
    const verwacht = (
      await ctx.sql.query(`SELECT id FROM ${tabel} ORDER BY ${kolom} DESC, id DESC`)
    ).rows.map((r) => r.id);
    for (const limit of [1, 2, 3]) t.same(await alles(ctx, pad, limit), verwacht, `${pad} limit ${limit}`);

    // New rows arrive while paging: newer ones belong before the first page, older ones still come.
    const gezien = await alles(ctx, pad, 2, async () => {
      if (tabel === 'foutmeldingen') {
        await maakFoutViaSql(ctx, {
          schoolId: s,
          code: 'REVISIE_CONFLICT',
          key: 'NIEUW',
          nummer: '1',
          toets: 'X',
        });
        await maakFoutViaSql(ctx, {
          schoolId: s,
          code: 'REVISIE_CONFLICT',
          key: 'OUD',
          nummer: '1',
          toets: 'X',
          aangemaaktOp: '2020-01-01T00:00:00Z',
        });
      } else {
        await ctx.sql.query(
          `INSERT INTO aanbiedingen (school_id, ontvangen_op, afgewezen_status, afgewezen_code)
           VALUES ($1, now(), 400, 'ONGELDIGE_JSON'), ($1, '2020-01-01T00:00:00Z', 400, 'ONGELDIGE_JSON')`,
          [s],
        );
      }
    });
    const oud = (await ctx.sql.query(`SELECT id FROM ${tabel} WHERE ${kolom} < '2021-01-01'`)).rows[0].id;
    t.same(gezien, [...verwacht, oud], `${pad}: no row twice, none skipped`);
    t.equal(new Set(gezien).size, gezien.length);
  }
});

t.test('deliveries: item shape, newest first, filters', async (t) => {
  const ctx = await buildTestApp(t);
  const { schoolId: s1 } = await maakSchoolZonderSleutel(ctx);
  const { schoolId: s2 } = await maakSchoolZonderSleutel(ctx, { naam: 'Tweede' });
  const { rows } = await ctx.sql.query(
    `INSERT INTO aanbiedingen (school_id, bericht_id, ontvangen_op, aantal_resultaten, per_status, inhoud_hash,
       afgewezen_status, afgewezen_code)
     VALUES ($1, 'B-1', '2026-02-04T10:15:23.120Z', 3, '{"verwerkt": 2, "fout": 1}', '\\x00', NULL, NULL),
            ($1, 'B-2', '2026-02-05T10:00:00Z', 0, '{}', NULL, 422, 'VALIDATIE_MISLUKT'),
            ($2, NULL, '2026-02-06T10:00:00Z', 0, '{}', NULL, 400, 'ONGELDIGE_JSON')
     RETURNING id`,
    [s1, s2],
  );
  const [a, b, c] = rows.map((r) => r.id);
  const res = await ctx.app.inject({ method: 'GET', url: '/v1/beheer/aanbiedingen', headers: ctx.beheer });
  t.equal(res.statusCode, 200);
  t.same(res.json(), {
    items: [
      {
        id: c,
        schoolId: s2,
        berichtId: null,
        ontvangenOp: '2026-02-06T10:00:00.000Z',
        aantalResultaten: 0,
        perStatus: {},
        afgewezen: { status: 400, code: 'ONGELDIGE_JSON' },
      },
      {
        id: b,
        schoolId: s1,
        berichtId: 'B-2',
        ontvangenOp: '2026-02-05T10:00:00.000Z',
        aantalResultaten: 0,
        perStatus: {},
        afgewezen: { status: 422, code: 'VALIDATIE_MISLUKT' },
      },
      {
        id: a,
        schoolId: s1,
        berichtId: 'B-1',
        ontvangenOp: '2026-02-04T10:15:23.120Z',
        aantalResultaten: 3,
        perStatus: { verwerkt: 2, fout: 1 },
        afgewezen: null,
      },
    ],
    volgende: null,
  });
  const filters: Array<[string, string[]]> = [
    [`schoolId=${s1}`, [b, a]],
    ['vanaf=2026-02-05T10:00:00Z', [c, b]],
    ['tot=2026-02-05T10:00:00Z', [a]],
  ];
  for (const [q, verwacht] of filters) {
    const r = await ctx.app.inject({
      method: 'GET',
      url: `/v1/beheer/aanbiedingen?${q}`,
      headers: ctx.beheer,
    });
    t.same(
      r.json().items.map((i: { id: string }) => i.id),
      verwacht,
      q,
    );
  }
  const r = await ctx.app.inject({
    method: 'GET',
    url: '/v1/beheer/aanbiedingen?cursor=WyJ4IiwieSJd',
    headers: ctx.beheer,
  });
  t.equal(r.statusCode, 422);
  t.same(r.json().errors, [{ pad: 'cursor', melding: 'ongeldige cursor' }]);
});
