import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { leverResultaten } from '../helpers/boom.js';
import { rijen } from '../helpers/bundels.js';
import { maakLeerling, maakSchool, maakToets, resultaat } from '../helpers/fixtures.js';
import { maakLeerlingViaSql, maakToetsViaSql } from '../helpers/sql-fixtures.js';

// CONTRACT §3: an operator's retry of every open error (POST /v1/beheer/fouten/opnieuw) now handles the
// open errors of all schools in one batch (src/verwerking/herverwerk.ts). Each foutmelding must get the
// outcome it would get alone: looked up in its own school, in order of revisie within a key.
// The errors are made by real deliveries; the fixes are written with SQL (helpers/sql-fixtures.ts), so that
// no fix heals anything by itself and the retry is what handles them.

t.test('retrying the open errors of two schools at once: the right outcome per foutmelding', async (t) => {
  const ctx = await buildTestApp(t);
  await maakToets(ctx);
  const a = await maakSchool(ctx, { naam: 'A' });
  const b = await maakSchool(ctx, { naam: 'B' });
  await maakLeerling(ctx, a.schoolId, { leerlingId: 'LA-1', boomLeerlingnummer: '4839201' });
  await maakLeerling(ctx, b.schoolId, { leerlingId: 'LB-3', boomLeerlingnummer: '333', toetsdoel: null });
  await maakLeerling(ctx, b.schoolId, { leerlingId: 'LB-4', boomLeerlingnummer: '444' });

  t.same(
    await leverResultaten(ctx, a.auth, [
      resultaat({ resultaatKey: 'R1', boomLeerlingnummer: '111' }),
      resultaat({ resultaatKey: 'R2', toets: { code: 'NIEUW' }, toetsonderdeel: null }),
      resultaat({ resultaatKey: 'R5' }),
    ]),
    ['LEERLING_NIET_GEVONDEN', 'TOETS_NIET_GEVONDEN', 'verwerkt'],
  );
  t.same(
    await leverResultaten(ctx, a.auth, [resultaat({ resultaatKey: 'R5', toetsscore: { aantalGoed: 1 } })]),
    ['REVISIE_CONFLICT'],
  );
  // B: the same key and Boom number as A's R1; revisie 2 of R6 fails before revisie 1 does.
  t.same(
    await leverResultaten(ctx, b.auth, [
      resultaat({ resultaatKey: 'R1', boomLeerlingnummer: '111' }),
      resultaat({ resultaatKey: 'R3', boomLeerlingnummer: '333' }),
      resultaat({
        resultaatKey: 'R4',
        boomLeerlingnummer: '444',
        toets: { code: 'NIEUW' },
        toetsonderdeel: null,
      }),
      resultaat({ resultaatKey: 'R6', revisie: 2, reden: 'correctie', boomLeerlingnummer: '666' }),
    ]),
    ['LEERLING_NIET_GEVONDEN', 'GEEN_TOETSDOEL', 'TOETS_NIET_GEVONDEN', 'LEERLING_NIET_GEVONDEN'],
  );
  t.same(
    await leverResultaten(ctx, b.auth, [
      resultaat({ resultaatKey: 'R6', revisie: 1, boomLeerlingnummer: '666' }),
    ]),
    ['LEERLING_NIET_GEVONDEN'],
  );
  // A dismissed error of B is never retried by itself.
  t.same(await leverResultaten(ctx, b.auth, [resultaat({ resultaatKey: 'R7', boomLeerlingnummer: '777' })]), [
    'LEERLING_NIET_GEVONDEN',
  ]);
  const [r7] = await rijen(ctx, `SELECT id FROM foutmeldingen WHERE resultaat_key = 'R7'`);
  const negeer = await ctx.app.inject({
    method: 'POST',
    url: `/v1/beheer/fouten/${r7.id}/negeren`,
    headers: ctx.beheer,
  });
  t.equal(negeer.statusCode, 200);

  // The fixes, without healing: A's pupil 111 (not B's!), the toets NIEUW (for both), B's toetsdoel and 666,
  // and 777 for B, whose error is dismissed.
  await maakLeerlingViaSql(ctx, a.schoolId, {
    leerlingId: 'LA-2',
    boomLeerlingnummer: '111',
    fase: 'F2',
    toetsdoel: 'PO-midden',
  });
  await maakToetsViaSql(ctx, 'NIEUW', 'rekenen', []);
  await ctx.sql.query(
    `UPDATE leerlingen SET toetsdoel = 'PO-eind' WHERE school_id = $1 AND leerling_id = 'LB-3'`,
    [b.schoolId],
  );
  await maakLeerlingViaSql(ctx, b.schoolId, {
    leerlingId: 'LB-6',
    boomLeerlingnummer: '666',
    fase: 'F1',
    toetsdoel: 'PO-start',
  });
  await maakLeerlingViaSql(ctx, b.schoolId, {
    leerlingId: 'LB-7',
    boomLeerlingnummer: '777',
    fase: 'F1',
    toetsdoel: 'PO-start',
  });

  const res = await ctx.app.inject({
    method: 'POST',
    url: '/v1/beheer/fouten/opnieuw',
    headers: ctx.beheer,
    payload: {},
  });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { perStatus: { verwerkt: 6, dubbel: 0, verouderd: 0, overgeslagen: 0, fout: 2 } });

  const fouten = await rijen(
    ctx,
    `SELECT s.naam, f.resultaat_key, f.revisie, f.code, f.status, f.pogingen, f.opgelost_op IS NOT NULL AS opgelost
       FROM foutmeldingen f JOIN scholen s ON s.id = f.school_id ORDER BY s.naam, f.resultaat_key, f.revisie`,
  );
  t.same(fouten, [
    {
      naam: 'A',
      resultaat_key: 'R1',
      revisie: 1,
      code: 'LEERLING_NIET_GEVONDEN',
      status: 'opgelost',
      pogingen: 2,
      opgelost: true,
    },
    {
      naam: 'A',
      resultaat_key: 'R2',
      revisie: 1,
      code: 'TOETS_NIET_GEVONDEN',
      status: 'opgelost',
      pogingen: 2,
      opgelost: true,
    },
    {
      naam: 'A',
      resultaat_key: 'R5',
      revisie: 1,
      code: 'REVISIE_CONFLICT',
      status: 'open',
      pogingen: 2,
      opgelost: false,
    },
    // A's pupil with number 111 is not B's: B's R1 stays open.
    {
      naam: 'B',
      resultaat_key: 'R1',
      revisie: 1,
      code: 'LEERLING_NIET_GEVONDEN',
      status: 'open',
      pogingen: 2,
      opgelost: false,
    },
    {
      naam: 'B',
      resultaat_key: 'R3',
      revisie: 1,
      code: 'GEEN_TOETSDOEL',
      status: 'opgelost',
      pogingen: 2,
      opgelost: true,
    },
    {
      naam: 'B',
      resultaat_key: 'R4',
      revisie: 1,
      code: 'TOETS_NIET_GEVONDEN',
      status: 'opgelost',
      pogingen: 2,
      opgelost: true,
    },
    {
      naam: 'B',
      resultaat_key: 'R6',
      revisie: 1,
      code: 'LEERLING_NIET_GEVONDEN',
      status: 'opgelost',
      pogingen: 2,
      opgelost: true,
    },
    {
      naam: 'B',
      resultaat_key: 'R6',
      revisie: 2,
      code: 'LEERLING_NIET_GEVONDEN',
      status: 'opgelost',
      pogingen: 2,
      opgelost: true,
    },
    {
      naam: 'B',
      resultaat_key: 'R7',
      revisie: 1,
      code: 'LEERLING_NIET_GEVONDEN',
      status: 'genegeerd',
      pogingen: 1,
      opgelost: false,
    },
  ]);

  t.same(
    await rijen(
      ctx,
      `SELECT s.naam, r.resultaat_key, r.revisie, r.leerling_id, r.toets_code
         FROM toetsresultaten r JOIN scholen s ON s.id = r.school_id ORDER BY s.naam, r.resultaat_key`,
    ),
    [
      { naam: 'A', resultaat_key: 'R1', revisie: 1, leerling_id: 'LA-2', toets_code: 'BLVS-SP' },
      { naam: 'A', resultaat_key: 'R2', revisie: 1, leerling_id: 'LA-1', toets_code: 'NIEUW' },
      { naam: 'A', resultaat_key: 'R5', revisie: 1, leerling_id: 'LA-1', toets_code: 'BLVS-SP' },
      { naam: 'B', resultaat_key: 'R3', revisie: 1, leerling_id: 'LB-3', toets_code: 'BLVS-SP' },
      { naam: 'B', resultaat_key: 'R4', revisie: 1, leerling_id: 'LB-4', toets_code: 'NIEUW' },
      { naam: 'B', resultaat_key: 'R6', revisie: 2, leerling_id: 'LB-6', toets_code: 'BLVS-SP' },
    ],
    'each result under its own school and pupil; no R1 for B, no R7',
  );
  t.same(
    await rijen(
      ctx,
      `SELECT s.naam, h.resultaat_key, h.revisie, h.verwerking
         FROM resultaat_revisies h JOIN scholen s ON s.id = h.school_id
        WHERE h.resultaat_key = 'R6' ORDER BY h.revisie`,
    ),
    [
      { naam: 'B', resultaat_key: 'R6', revisie: 1, verwerking: 'toegepast' },
      { naam: 'B', resultaat_key: 'R6', revisie: 2, verwerking: 'toegepast' },
    ],
    'two revisies of one key handled in order of revisie, not of arrival',
  );

  // Retrying again changes only what is still open: two errors, one more attempt each.
  const nogmaals = await ctx.app.inject({
    method: 'POST',
    url: '/v1/beheer/fouten/opnieuw',
    headers: ctx.beheer,
    payload: {},
  });
  t.same(nogmaals.json().perStatus, { verwerkt: 0, dubbel: 0, verouderd: 0, overgeslagen: 0, fout: 2 });
  t.same(
    await rijen(
      ctx,
      `SELECT resultaat_key, pogingen FROM foutmeldingen WHERE status = 'open' ORDER BY resultaat_key`,
    ),
    [
      { resultaat_key: 'R1', pogingen: 3 },
      { resultaat_key: 'R5', pogingen: 3 },
    ],
  );
});

t.test('a retry filtered to one school leaves the other school alone', async (t) => {
  const ctx = await buildTestApp(t);
  await maakToets(ctx);
  const a = await maakSchool(ctx, { naam: 'A' });
  const b = await maakSchool(ctx, { naam: 'B' });
  await leverResultaten(ctx, a.auth, [resultaat({ resultaatKey: 'R', boomLeerlingnummer: '111' })]);
  await leverResultaten(ctx, b.auth, [resultaat({ resultaatKey: 'R', boomLeerlingnummer: '111' })]);
  for (const s of [a, b]) {
    await maakLeerlingViaSql(ctx, s.schoolId, {
      leerlingId: 'L',
      boomLeerlingnummer: '111',
      fase: 'F2',
      toetsdoel: 'PO-midden',
    });
  }
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/v1/beheer/fouten/opnieuw',
    headers: ctx.beheer,
    payload: { schoolId: a.schoolId },
  });
  t.same(res.json().perStatus, { verwerkt: 1, dubbel: 0, verouderd: 0, overgeslagen: 0, fout: 0 });
  t.same(
    await rijen(
      ctx,
      `SELECT s.naam, f.status, f.pogingen, (SELECT count(*)::int FROM toetsresultaten r WHERE r.school_id = s.id) AS n
         FROM foutmeldingen f JOIN scholen s ON s.id = f.school_id ORDER BY s.naam`,
    ),
    [
      { naam: 'A', status: 'opgelost', pogingen: 2, n: 1 },
      { naam: 'B', status: 'open', pogingen: 1, n: 0 },
    ],
  );
});
