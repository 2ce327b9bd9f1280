import t from 'tap';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { leverResultaten } from '../helpers/boom.js';
import { maakLeerling, maakSchool, maakToets, resultaat } from '../helpers/fixtures.js';

// Issue 17 (b, c): entering a Boom number heals exactly what it fixes (CONTRACT §3): that school's
// LEERLING_NIET_GEVONDEN errors for the number. Not another school's with the same number, and not the
// pupil's GEEN_TOETSDOEL errors (a toetsdoel fixes those). "Not touched" means the row is as it was:
// status, pogingen and laatste_poging_op.

async function beheer(ctx: TestContext, method: 'PUT', url: string, payload: unknown) {
  return ctx.app.inject({ method, url: `/v1/beheer${url}`, headers: ctx.beheer, payload: payload as object });
}

async function foutRij(ctx: TestContext, schoolId: string, key: string) {
  const { rows } = await ctx.sql.query(
    `SELECT code, status, pogingen, laatste_poging_op, opgelost_op, leerling_id
       FROM foutmeldingen WHERE school_id = $1 AND resultaat_key = $2`,
    [schoolId, key],
  );
  if (rows.length !== 1) throw new Error(`${rows.length} foutmeldingen for ${key}`);
  return rows[0];
}

async function huidigeKeys(ctx: TestContext, schoolId: string) {
  const { rows } = await ctx.sql.query(
    'SELECT resultaat_key, leerling_id FROM toetsresultaten WHERE school_id = $1 ORDER BY resultaat_key',
    [schoolId],
  );
  return rows;
}

t.test(
  "a Boom number entered at school A leaves school B's open errors for the same number alone",
  async (t) => {
    const ctx = await buildTestApp(t);
    await maakToets(ctx);
    const a = await maakSchool(ctx, { naam: 'School A' });
    const b = await maakSchool(ctx, { naam: 'School B' });
    // Two numbers, each unknown at both schools: one fixed one pupil at a time, one in bulk.
    for (const s of [a, b])
      t.same(
        await leverResultaten(ctx, s.auth, [
          resultaat({ resultaatKey: 'K-EEN', boomLeerlingnummer: '7770001' }),
          resultaat({ resultaatKey: 'K-BULK', boomLeerlingnummer: '7770002' }),
        ]),
        ['LEERLING_NIET_GEVONDEN', 'LEERLING_NIET_GEVONDEN'],
      );
    const bEen = await foutRij(ctx, b.schoolId, 'K-EEN');
    const bBulk = await foutRij(ctx, b.schoolId, 'K-BULK');
    t.match(bEen, { code: 'LEERLING_NIET_GEVONDEN', status: 'open', pogingen: 1 });

    // One pupil at a time, at school A.
    const een = await beheer(ctx, 'PUT', `/scholen/${a.schoolId}/leerlingen/LL-A1`, {
      boomLeerlingnummer: '7770001',
      fase: 'F2',
      toetsdoel: 'PO-midden',
    });
    t.equal(een.statusCode, 201);
    t.equal(een.json().geheeld, 1, "A's own error is healed");
    t.match(await foutRij(ctx, a.schoolId, 'K-EEN'), { status: 'opgelost', pogingen: 2 });
    t.same(await foutRij(ctx, b.schoolId, 'K-EEN'), bEen, "B's foutmelding is untouched");

    // In bulk, at school A.
    await maakLeerling(ctx, a.schoolId, { leerlingId: 'LL-A2' });
    const bulk = await beheer(ctx, 'PUT', `/scholen/${a.schoolId}/boom-nummers`, {
      items: [{ leerlingId: 'LL-A2', boomLeerlingnummer: '7770002' }],
    });
    t.equal(bulk.statusCode, 200);
    t.match(bulk.json(), { geheeld: 1 });
    t.match(await foutRij(ctx, a.schoolId, 'K-BULK'), { status: 'opgelost' });
    t.same(await foutRij(ctx, b.schoolId, 'K-BULK'), bBulk, "B's foutmelding is untouched (bulk)");
    t.same(
      await huidigeKeys(ctx, a.schoolId),
      [
        { resultaat_key: 'K-BULK', leerling_id: 'LL-A2' },
        { resultaat_key: 'K-EEN', leerling_id: 'LL-A1' },
      ],
      "A's results are stored",
    );
    t.same(await huidigeKeys(ctx, b.schoolId), [], 'nothing stored at B');

    // The control: B's errors are healable, by B's own fix.
    const bFix = await beheer(ctx, 'PUT', `/scholen/${b.schoolId}/leerlingen/LL-B1`, {
      boomLeerlingnummer: '7770001',
      fase: 'F2',
      toetsdoel: 'PO-midden',
    });
    t.equal(bFix.json().geheeld, 1);
    t.match(await foutRij(ctx, b.schoolId, 'K-EEN'), { status: 'opgelost', pogingen: 2 });
  },
);

t.test("entering a Boom number does not retry the pupil's GEEN_TOETSDOEL errors", async (t) => {
  const ctx = await buildTestApp(t);
  await maakToets(ctx);
  const s = await maakSchool(ctx);
  await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-2', boomLeerlingnummer: '777', toetsdoel: null });
  await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-3' });
  t.same(
    await leverResultaten(ctx, s.auth, [
      resultaat({ resultaatKey: 'K-DOEL', boomLeerlingnummer: '777' }),
      resultaat({ resultaatKey: 'K-NUMMER', boomLeerlingnummer: '888' }),
    ]),
    ['GEEN_TOETSDOEL', 'LEERLING_NIET_GEVONDEN'],
  );
  const voor = await foutRij(ctx, s.schoolId, 'K-DOEL');
  t.match(voor, { code: 'GEEN_TOETSDOEL', status: 'open', pogingen: 1, leerling_id: 'LL-2' });

  // The pupil's own number entered again (one pupil, then in bulk), and a new number for it.
  for (const [naam, res] of [
    [
      'the same number, one pupil',
      await beheer(ctx, 'PUT', `/scholen/${s.schoolId}/leerlingen/LL-2`, { boomLeerlingnummer: '777' }),
    ],
    [
      'the same number, in bulk',
      await beheer(ctx, 'PUT', `/scholen/${s.schoolId}/boom-nummers`, {
        items: [{ leerlingId: 'LL-2', boomLeerlingnummer: '777' }],
      }),
    ],
  ] as const) {
    t.equal(res.statusCode, 200, naam);
    t.equal(res.json().geheeld, 0, `${naam}: nothing healed`);
    t.same(await foutRij(ctx, s.schoolId, 'K-DOEL'), voor, `${naam}: the GEEN_TOETSDOEL error is untouched`);
  }
  // Another pupil's number entered heals that number's error, and leaves LL-2's alone.
  const ander = await beheer(ctx, 'PUT', `/scholen/${s.schoolId}/leerlingen/LL-3`, {
    boomLeerlingnummer: '888',
  });
  t.equal(ander.json().geheeld, 1);
  t.match(await foutRij(ctx, s.schoolId, 'K-NUMMER'), { status: 'opgelost' });
  t.same(await foutRij(ctx, s.schoolId, 'K-DOEL'), voor, 'the GEEN_TOETSDOEL error is untouched');
  const nieuw = await beheer(ctx, 'PUT', `/scholen/${s.schoolId}/leerlingen/LL-2`, {
    boomLeerlingnummer: '779',
  });
  t.equal(nieuw.json().geheeld, 0);
  t.same(await foutRij(ctx, s.schoolId, 'K-DOEL'), voor, 'a new number for the pupil: untouched');
  t.same(await huidigeKeys(ctx, s.schoolId), [{ resultaat_key: 'K-NUMMER', leerling_id: 'LL-3' }]);

  const terug = await beheer(ctx, 'PUT', `/scholen/${s.schoolId}/leerlingen/LL-2`, {
    boomLeerlingnummer: '777',
  });
  t.equal(terug.json().geheeld, 0);
  t.same(await foutRij(ctx, s.schoolId, 'K-DOEL'), voor, 'its number back: untouched');

  // The control: a toetsdoel does heal it.
  const doel = await beheer(ctx, 'PUT', `/scholen/${s.schoolId}/leerlingen/LL-2`, { toetsdoel: 'PO-midden' });
  t.equal(doel.json().geheeld, 1);
  t.match(await foutRij(ctx, s.schoolId, 'K-DOEL'), { status: 'opgelost', pogingen: 2 });
});
