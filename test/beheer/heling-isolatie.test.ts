import { readFile } from 'node:fs/promises';
import t, { type Test } from 'tap';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { leverResultaten } from '../helpers/boom.js';
import { maakLeerling, maakSchool, maakToets, resultaat } from '../helpers/fixtures.js';
import { bewaarOnmogelijkeDatumViaSql } from '../helpers/sql-fixtures.js';

// CONTRACT §3: "one error that cannot be handled stays open with its reason and never fails the fix for the
// others". Beside good errors, each test keeps one whose kept result has afnamedatum 0000-01-01, a date
// PostgreSQL cannot hold, as services before migration 0007 kept it; it is written with SQL, the only way
// to make one now (`bewaarOnmogelijkeDatumViaSql`, the escape hatch in helpers/sql-fixtures.ts). Before the fix each route below answered
// 500 until an operator found and dismissed that one error.

async function fouten(ctx: TestContext) {
  const { rows } = await ctx.sql.query(
    'SELECT resultaat_key, code, status, pogingen, melding FROM foutmeldingen ORDER BY resultaat_key',
  );
  return rows as Array<{
    resultaat_key: string;
    code: string;
    status: string;
    pogingen: number;
    melding: string;
  }>;
}

async function huidige(ctx: TestContext) {
  const { rows } = await ctx.sql.query('SELECT resultaat_key FROM toetsresultaten ORDER BY resultaat_key');
  return rows.map((r) => r.resultaat_key);
}

function eis(
  t: Test,
  rij: { status: string; pogingen: number; melding: string } | undefined,
  pogingen: number,
) {
  t.equal(rij?.status, 'open', 'the bad one stays open');
  t.equal(rij?.pogingen, pogingen, 'its attempt is counted');
  t.match(
    rij?.melding,
    /voldoet niet meer aan het schema \(afnamedatum: ligt voor 2000-01-01\)/,
    'with its reason',
  );
}

/** A school whose pupil LL-1 has no Boom number yet, and three LEERLING_NIET_GEVONDEN for '111', one bad. */
async function metOnbekendeLeerling(ctx: TestContext) {
  const s = await maakSchool(ctx);
  await maakToets(ctx);
  await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-1' });
  await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-2' });
  const uit = await leverResultaten(ctx, s.auth, [
    resultaat({ resultaatKey: 'R1', boomLeerlingnummer: '111' }),
    resultaat({ resultaatKey: 'R2-KAPOT', boomLeerlingnummer: '111' }),
    resultaat({ resultaatKey: 'R3', boomLeerlingnummer: '111' }),
    resultaat({ resultaatKey: 'R4', boomLeerlingnummer: '222' }),
  ]);
  if (uit.some((u: string) => u !== 'LEERLING_NIET_GEVONDEN')) throw new Error(`unexpected ${uit}`);
  await bewaarOnmogelijkeDatumViaSql(ctx, 'R2-KAPOT');
  return s;
}

t.test('entering one pupil’s Boom number heals the good errors and leaves the bad one open', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await metOnbekendeLeerling(ctx);
  const res = await ctx.app.inject({
    method: 'PUT',
    url: `/v1/beheer/scholen/${s.schoolId}/leerlingen/LL-1`,
    headers: ctx.beheer,
    payload: { boomLeerlingnummer: '111' },
  });
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.json().geheeld, 2);
  t.same(await huidige(ctx), ['R1', 'R3']);
  const [r1, kapot, r3, r4] = await fouten(ctx);
  t.same([r1?.status, r3?.status, r4?.status], ['opgelost', 'opgelost', 'open']);
  eis(t, kapot, 2);
  const { rows } = await ctx.sql.query(
    "SELECT boom_leerlingnummer FROM leerlingen WHERE leerling_id = 'LL-1'",
  );
  t.same(rows, [{ boom_leerlingnummer: '111' }], 'the fix itself is kept');
});

t.test('the bulk Boom numbers heal the good errors and leave the bad one open', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await metOnbekendeLeerling(ctx);
  const res = await ctx.app.inject({
    method: 'PUT',
    url: `/v1/beheer/scholen/${s.schoolId}/boom-nummers`,
    headers: ctx.beheer,
    payload: {
      items: [
        { leerlingId: 'LL-1', boomLeerlingnummer: '111' },
        { leerlingId: 'LL-2', boomLeerlingnummer: '222' },
      ],
    },
  });
  t.equal(res.statusCode, 200, res.body);
  t.same(res.json(), { bijgewerkt: 2, geheeld: 3 });
  t.same(await huidige(ctx), ['R1', 'R3', 'R4']);
  const [, kapot] = await fouten(ctx);
  eis(t, kapot, 2);
});

t.test('a catalogue PUT heals across schools and leaves the bad one open', async (t) => {
  const ctx = await buildTestApp(t);
  const a = await maakSchool(ctx, { naam: 'A' });
  const b = await maakSchool(ctx, { naam: 'B' });
  await maakLeerling(ctx, a.schoolId, { leerlingId: 'LA', boomLeerlingnummer: '111' });
  await maakLeerling(ctx, b.schoolId, { leerlingId: 'LB', boomLeerlingnummer: '111' });
  const nieuw = { boomLeerlingnummer: '111', toets: { code: 'NIEUW' }, toetsonderdeel: null };
  await leverResultaten(ctx, a.auth, [
    resultaat({ resultaatKey: 'A1', ...nieuw }),
    resultaat({ resultaatKey: 'A2-KAPOT', ...nieuw }),
  ]);
  await leverResultaten(ctx, b.auth, [resultaat({ resultaatKey: 'B1', ...nieuw })]);
  await bewaarOnmogelijkeDatumViaSql(ctx, 'A2-KAPOT');
  const res = await ctx.app.inject({
    method: 'PUT',
    url: '/v1/beheer/toetsen/NIEUW',
    headers: ctx.beheer,
    payload: { naam: 'Nieuw', vak: 'rekenen', onderdelen: [] },
  });
  t.equal(res.statusCode, 201, res.body);
  t.equal(res.json().geheeld, 2);
  t.same(await huidige(ctx), ['A1', 'B1']);
  const [a1, kapot, b1] = await fouten(ctx);
  t.same([a1?.status, b1?.status], ['opgelost', 'opgelost']);
  eis(t, kapot, 2);
});

t.test('retry-all and retry-one answer 200; the bad one stays open with its reason', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await metOnbekendeLeerling(ctx);
  // The pupil's number is entered with SQL, so that nothing heals by itself and the retry is what handles it.
  await ctx.sql.query("UPDATE leerlingen SET boom_leerlingnummer = '111' WHERE leerling_id = 'LL-1'");
  const alles = await ctx.app.inject({
    method: 'POST',
    url: '/v1/beheer/fouten/opnieuw',
    headers: ctx.beheer,
    payload: { schoolId: s.schoolId },
  });
  t.equal(alles.statusCode, 200, alles.body);
  t.same(alles.json(), { perStatus: { verwerkt: 2, dubbel: 0, verouderd: 0, overgeslagen: 0, fout: 2 } });
  t.same(await huidige(ctx), ['R1', 'R3']);
  const [, kapot] = await fouten(ctx);
  eis(t, kapot, 2);

  const { rows } = await ctx.sql.query("SELECT id FROM foutmeldingen WHERE resultaat_key = 'R2-KAPOT'");
  const een = await ctx.app.inject({
    method: 'POST',
    url: `/v1/beheer/fouten/${rows[0].id}/opnieuw`,
    headers: ctx.beheer,
  });
  t.equal(een.statusCode, 200, een.body);
  const body = een.json();
  t.equal(body.status, 'open');
  t.equal(body.pogingen, 3);
  t.match(body.melding, /afnamedatum: ligt voor 2000-01-01/);
  t.same(body.uitkomst, {
    resultaatKey: 'R2-KAPOT',
    revisie: 1,
    status: 'fout',
    fout: { code: 'LEERLING_NIET_GEVONDEN', melding: body.melding },
  });
  t.same(await huidige(ctx), ['R1', 'R3'], 'nothing of it was stored');
});

t.test('a batch that fails in the database is handled again one error at a time', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await metOnbekendeLeerling(ctx);
  await ctx.sql.query(
    "UPDATE foutmeldingen SET resultaat = jsonb_set(resultaat, '{afnamedatum}', '\"2026-02-03\"')",
  );
  // A real refusal of PostgreSQL for one result only: a constraint this test adds (class 23).
  await ctx.sql.query(
    "ALTER TABLE toetsresultaten ADD CONSTRAINT test_weigert_r3 CHECK (resultaat_key <> 'R3')",
  );
  await ctx.sql.query("UPDATE leerlingen SET boom_leerlingnummer = '111' WHERE leerling_id = 'LL-1'");
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/v1/beheer/fouten/opnieuw',
    headers: ctx.beheer,
    payload: { schoolId: s.schoolId },
  });
  t.equal(res.statusCode, 200, res.body);
  t.same(res.json().perStatus, { verwerkt: 2, dubbel: 0, verouderd: 0, overgeslagen: 0, fout: 2 });
  t.same(await huidige(ctx), ['R1', 'R2-KAPOT']);
  const [r1, r2, r3] = await fouten(ctx);
  t.same([r1?.status, r2?.status], ['opgelost', 'opgelost']);
  t.equal(r3?.status, 'open');
  t.equal(r3?.pogingen, 2);
  t.match(r3?.melding, /kon niet opnieuw worden verwerkt \(databasefout 23514\)/);
});

t.test('migration 0007 gives foutmeldingen with an impossible date their reason', async (t) => {
  const ctx = await buildTestApp(t);
  await metOnbekendeLeerling(ctx);
  await bewaarOnmogelijkeDatumViaSql(ctx, 'R3', '1999-12-31');
  await ctx.sql.query(await readFile(new URL('../../migrations/0007_datums.sql', import.meta.url), 'utf8'));
  const rijen = await fouten(ctx);
  t.same(
    rijen.map((r) => [r.resultaat_key, r.status, /voldoet niet meer aan het schema/.test(r.melding)]),
    [
      ['R1', 'open', false],
      ['R2-KAPOT', 'open', true],
      ['R3', 'open', true],
      ['R4', 'open', false],
    ],
  );
});
