import t from 'tap';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { leverResultaten } from '../helpers/boom.js';
import { maakLeerling, maakSchool, maakToets, resultaat } from '../helpers/fixtures.js';

// CONTRACT §3: a fix through the operators' API handles the open errors it fixes in the same
// transaction, and says how many it healed. The errors are made by real deliveries (§2).

async function fouten(ctx: TestContext) {
  const { rows } = await ctx.sql.query(
    'SELECT resultaat_key, code, status, pogingen, opgelost_op IS NOT NULL AS opgelost FROM foutmeldingen ORDER BY resultaat_key',
  );
  return rows;
}

async function huidige(ctx: TestContext) {
  const { rows } = await ctx.sql.query(
    'SELECT resultaat_key, leerling_id FROM toetsresultaten ORDER BY resultaat_key',
  );
  return rows;
}

t.test('entering a Boom number heals LEERLING_NIET_GEVONDEN (one pupil)', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await maakSchool(ctx);
  await maakToets(ctx);
  await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-1' });
  const uit = await leverResultaten(ctx, s.auth, [
    resultaat({ resultaatKey: 'R1', boomLeerlingnummer: '111' }),
    resultaat({ resultaatKey: 'R2', boomLeerlingnummer: '222' }),
  ]);
  t.same(uit, ['LEERLING_NIET_GEVONDEN', 'LEERLING_NIET_GEVONDEN']);

  const res = await ctx.app.inject({
    method: 'PUT',
    url: `/v1/beheer/scholen/${s.schoolId}/leerlingen/LL-1`,
    headers: ctx.beheer,
    payload: { boomLeerlingnummer: '111' },
  });
  t.equal(res.statusCode, 200);
  t.equal(res.json().geheeld, 1);
  t.same(await fouten(ctx), [
    { resultaat_key: 'R1', code: 'LEERLING_NIET_GEVONDEN', status: 'opgelost', pogingen: 2, opgelost: true },
    { resultaat_key: 'R2', code: 'LEERLING_NIET_GEVONDEN', status: 'open', pogingen: 1, opgelost: false },
  ]);
  t.same(await huidige(ctx), [{ resultaat_key: 'R1', leerling_id: 'LL-1' }]);
});

t.test(
  'bulk Boom numbers heal; a retry that meets another error keeps it open with the new code',
  async (t) => {
    const ctx = await buildTestApp(t);
    const s = await maakSchool(ctx);
    await maakToets(ctx);
    await maakLeerling(ctx, s.schoolId, { leerlingId: 'A' });
    await maakLeerling(ctx, s.schoolId, { leerlingId: 'B', toetsdoel: null });
    await leverResultaten(ctx, s.auth, [
      resultaat({ resultaatKey: 'R1', boomLeerlingnummer: '111' }),
      resultaat({ resultaatKey: 'R2', boomLeerlingnummer: '222' }),
    ]);
    const res = await ctx.app.inject({
      method: 'PUT',
      url: `/v1/beheer/scholen/${s.schoolId}/boom-nummers`,
      headers: ctx.beheer,
      payload: {
        items: [
          { leerlingId: 'A', boomLeerlingnummer: '111' },
          { leerlingId: 'B', boomLeerlingnummer: '222' },
        ],
      },
    });
    t.equal(res.statusCode, 200);
    t.same(res.json(), { bijgewerkt: 2, geheeld: 1 });
    t.same(await fouten(ctx), [
      {
        resultaat_key: 'R1',
        code: 'LEERLING_NIET_GEVONDEN',
        status: 'opgelost',
        pogingen: 2,
        opgelost: true,
      },
      { resultaat_key: 'R2', code: 'GEEN_TOETSDOEL', status: 'open', pogingen: 2, opgelost: false },
    ]);

    // Now the toetsdoel: the GEEN_TOETSDOEL error of that pupil heals.
    const doel = await ctx.app.inject({
      method: 'PUT',
      url: `/v1/beheer/scholen/${s.schoolId}/leerlingen/B`,
      headers: ctx.beheer,
      payload: { toetsdoel: 'PO-midden' },
    });
    t.equal(doel.statusCode, 200);
    t.equal(doel.json().geheeld, 1);
    t.same(await huidige(ctx), [
      { resultaat_key: 'R1', leerling_id: 'A' },
      { resultaat_key: 'R2', leerling_id: 'B' },
    ]);
    t.equal(
      (await ctx.sql.query("SELECT count(*)::int AS n FROM foutmeldingen WHERE status = 'open'")).rows[0].n,
      0,
    );
  },
);

t.test('adding a toets or an onderdeel to the catalogue heals errors of every school', async (t) => {
  const ctx = await buildTestApp(t);
  const s1 = await maakSchool(ctx);
  const s2 = await maakSchool(ctx, { naam: 'Tweede' });
  for (const s of [s1, s2])
    await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-1', boomLeerlingnummer: '111' });
  await maakToets(ctx, 'BLVS-RW', 'rekenen', ['A']);
  await leverResultaten(ctx, s1.auth, [
    resultaat({ resultaatKey: 'R1', boomLeerlingnummer: '111' }),
    resultaat({
      resultaatKey: 'R3',
      boomLeerlingnummer: '111',
      toets: { code: 'BLVS-RW' },
      toetsonderdeel: { code: 'B' },
    }),
  ]);
  await leverResultaten(ctx, s2.auth, [
    resultaat({ resultaatKey: 'R2', boomLeerlingnummer: '111', toetsonderdeel: null }),
  ]);
  t.same(
    (await fouten(ctx)).map((f) => f.code),
    ['TOETS_NIET_GEVONDEN', 'TOETS_NIET_GEVONDEN', 'TOETSONDERDEEL_NIET_GEVONDEN'],
  );

  const toets = await ctx.app.inject({
    method: 'PUT',
    url: '/v1/beheer/toetsen/BLVS-SP',
    headers: ctx.beheer,
    payload: { naam: 'Spelling', vak: 'spelling', onderdelen: [{ code: 'WOORDEN', naam: 'Woorden' }] },
  });
  t.equal(toets.statusCode, 201);
  t.equal(toets.json().geheeld, 2);

  const onderdeel = await ctx.app.inject({
    method: 'PUT',
    url: '/v1/beheer/toetsen/BLVS-RW',
    headers: ctx.beheer,
    payload: {
      naam: 'Rekenen',
      vak: 'rekenen',
      onderdelen: [
        { code: 'A', naam: 'a' },
        { code: 'B', naam: 'b' },
      ],
    },
  });
  t.equal(onderdeel.statusCode, 200);
  t.equal(onderdeel.json().geheeld, 1);
  t.same(
    (await fouten(ctx)).map((f) => f.status),
    ['opgelost', 'opgelost', 'opgelost'],
  );
  t.equal((await huidige(ctx)).length, 3);
});

t.test('retry one, retry all, dismiss', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await maakSchool(ctx);
  await maakToets(ctx);
  await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-1' });
  await leverResultaten(ctx, s.auth, [
    resultaat({ resultaatKey: 'R1', boomLeerlingnummer: '111' }),
    resultaat({ resultaatKey: 'R2', boomLeerlingnummer: '111', toetsonderdeel: { code: 'ZINNEN' } }),
    resultaat({ resultaatKey: 'R3', boomLeerlingnummer: '333' }),
    resultaat({ resultaatKey: 'R4', boomLeerlingnummer: '444' }),
  ]);
  const ids = Object.fromEntries(
    (await ctx.sql.query('SELECT resultaat_key, id FROM foutmeldingen')).rows.map((r) => [
      r.resultaat_key,
      r.id,
    ]),
  );
  // A fix made outside this API heals nothing by itself: an operator retries.
  await ctx.sql.query("UPDATE leerlingen SET boom_leerlingnummer = '111'");

  const een = await ctx.app.inject({
    method: 'POST',
    url: `/v1/beheer/fouten/${ids.R1}/opnieuw`,
    headers: ctx.beheer,
  });
  t.equal(een.statusCode, 200);
  t.match(een.json(), {
    id: ids.R1,
    schoolId: s.schoolId,
    code: 'LEERLING_NIET_GEVONDEN',
    status: 'opgelost',
    resultaatKey: 'R1',
    revisie: 1,
    pogingen: 2,
    uitkomst: { resultaatKey: 'R1', revisie: 1, status: 'verwerkt' },
  });
  t.type(een.json().opgelostOp, 'string');

  const weer = await ctx.app.inject({
    method: 'POST',
    url: `/v1/beheer/fouten/${ids.R1}/opnieuw`,
    headers: ctx.beheer,
  });
  t.equal(weer.statusCode, 409);
  t.match(weer.json(), { code: 'FOUT_NIET_OPEN', status: 409 });

  const negeer = await ctx.app.inject({
    method: 'POST',
    url: `/v1/beheer/fouten/${ids.R4}/negeren`,
    headers: ctx.beheer,
  });
  t.equal(negeer.statusCode, 200);
  t.match(negeer.json(), { id: ids.R4, status: 'genegeerd', opgelostOp: null });

  const alles = await ctx.app.inject({
    method: 'POST',
    url: '/v1/beheer/fouten/opnieuw',
    headers: ctx.beheer,
    payload: { schoolId: s.schoolId },
  });
  t.equal(alles.statusCode, 200);
  // R2 (onderdeel still unknown) and R3 (number still unknown) stay errors; R4 is dismissed, not retried.
  t.same(alles.json(), { perStatus: { verwerkt: 0, dubbel: 0, verouderd: 0, overgeslagen: 0, fout: 2 } });
  t.same(await fouten(ctx), [
    { resultaat_key: 'R1', code: 'LEERLING_NIET_GEVONDEN', status: 'opgelost', pogingen: 2, opgelost: true },
    {
      resultaat_key: 'R2',
      code: 'TOETSONDERDEEL_NIET_GEVONDEN',
      status: 'open',
      pogingen: 2,
      opgelost: false,
    },
    { resultaat_key: 'R3', code: 'LEERLING_NIET_GEVONDEN', status: 'open', pogingen: 2, opgelost: false },
    {
      resultaat_key: 'R4',
      code: 'LEERLING_NIET_GEVONDEN',
      status: 'genegeerd',
      pogingen: 1,
      opgelost: false,
    },
  ]);
});
