import t from 'tap';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { lever, leverOk } from '../helpers/boom.js';
import { aanbieding, maakLeerling, resultaat, standaardSchool } from '../helpers/fixtures.js';

// CONTRACT §2, "How one result is handled": the lookups in their order, then every row of the revisie table.

async function statussen(ctx: TestContext, auth: Record<string, string>, resultaten: unknown[]) {
  const res = await leverOk(ctx, auth, aanbieding(resultaten));
  return res.json().resultaten.map((r: { status: string }) => r.status);
}

async function huidig(ctx: TestContext, key = 'BTC-R-000123456') {
  const { rows } = await ctx.sql.query(
    'SELECT revisie, reden, ingetrokken, dle::text, leerling_id FROM toetsresultaten WHERE resultaat_key = $1',
    [key],
  );
  return rows;
}

async function historie(ctx: TestContext, key = 'BTC-R-000123456') {
  const { rows } = await ctx.sql.query(
    'SELECT revisie, reden, verwerking FROM resultaat_revisies WHERE resultaat_key = $1 ORDER BY revisie',
    [key],
  );
  return rows;
}

t.test('nothing stored: any revisie is verwerkt and becomes current', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  const res = await lever(ctx, s.auth, aanbieding([resultaat({ revisie: 3 })], 'bericht-1'));
  t.equal(res.statusCode, 200);
  const body = res.json();
  t.equal(body.berichtId, 'bericht-1');
  t.match(body.ontvangenOp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  t.same(body.resultaten, [{ resultaatKey: 'BTC-R-000123456', revisie: 3, status: 'verwerkt' }]);
  t.same(await huidig(ctx), [
    { revisie: 3, reden: 'nieuw', ingetrokken: false, dle: '22.0', leerling_id: 'LL-1' },
  ]);
  t.same(await historie(ctx), [{ revisie: 3, reden: 'nieuw', verwerking: 'toegepast' }]);
  const { rows } = await ctx.sql.query(
    'SELECT toets_code, toetsonderdeel_code, afnamedatum::text, toets_versie FROM toetsresultaten',
  );
  t.same(rows, [
    { toets_code: 'BLVS-SP', toetsonderdeel_code: 'WOORDEN', afnamedatum: '2026-02-03', toets_versie: 'A' },
  ]);
});

t.test('same revisie, same content (another delivery): dubbel, nothing changes', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  t.same(await statussen(ctx, s.auth, [resultaat()]), ['verwerkt']);
  // The same content with its fields in another order, and with a field outside the contract, is the same.
  const omgekeerd = Object.fromEntries(Object.entries({ ...resultaat(), onbekend: 'x' }).reverse());
  const res = await lever(ctx, s.auth, aanbieding([omgekeerd]));
  t.same(res.json().resultaten, [{ resultaatKey: 'BTC-R-000123456', revisie: 1, status: 'dubbel' }]);
  t.same(await historie(ctx), [{ revisie: 1, reden: 'nieuw', verwerking: 'toegepast' }]);
});

t.test(
  'same revisie, other content: REVISIE_CONFLICT, recorded for operators, nothing changes',
  async (t) => {
    const ctx = await buildTestApp(t);
    const s = await standaardSchool(ctx);
    await statussen(ctx, s.auth, [resultaat()]);
    const anders = resultaat({ referentiescores: [{ code: 'DLE', waarde: '25' }] });
    const res = await lever(ctx, s.auth, aanbieding([anders]));
    t.same(res.json().resultaten, [
      {
        resultaatKey: 'BTC-R-000123456',
        revisie: 1,
        status: 'fout',
        fout: {
          code: 'REVISIE_CONFLICT',
          melding: 'Revisie 1 van resultaat BTC-R-000123456 kwam eerder met een andere inhoud',
        },
      },
    ]);
    t.same(await huidig(ctx), [
      { revisie: 1, reden: 'nieuw', ingetrokken: false, dle: '22.0', leerling_id: 'LL-1' },
    ]);
    const { rows } = await ctx.sql.query(
      'SELECT code, status, revisie, pogingen, resultaat FROM foutmeldingen',
    );
    t.equal(rows.length, 1);
    t.match(rows[0], { code: 'REVISIE_CONFLICT', status: 'open', revisie: 1, pogingen: 1 });
    t.same(
      rows[0].resultaat.referentiescores,
      [{ code: 'DLE', waarde: '25' }],
      'keeps the conflicting result',
    );
    // Sent again: the same open error, one more attempt, not a second row.
    await lever(ctx, s.auth, aanbieding([anders]));
    const again = await ctx.sql.query('SELECT pogingen FROM foutmeldingen');
    t.same(again.rows, [{ pogingen: 2 }]);
  },
);

t.test(
  'a lower revisie (arriving after the one that replaces it) is verouderd and kept in the history',
  async (t) => {
    const ctx = await buildTestApp(t);
    const s = await standaardSchool(ctx);
    t.same(await statussen(ctx, s.auth, [resultaat({ revisie: 2, reden: 'hernormering' })]), ['verwerkt']);
    t.same(await statussen(ctx, s.auth, [resultaat({ revisie: 1 })]), ['verouderd']);
    t.same(await huidig(ctx), [
      { revisie: 2, reden: 'hernormering', ingetrokken: false, dle: '22.0', leerling_id: 'LL-1' },
    ]);
    t.same(await historie(ctx), [
      { revisie: 1, reden: 'nieuw', verwerking: 'verouderd' },
      { revisie: 2, reden: 'hernormering', verwerking: 'toegepast' },
    ]);
    t.same(
      await statussen(ctx, s.auth, [resultaat({ revisie: 1 })]),
      ['verouderd'],
      'again: still verouderd',
    );
    t.equal((await historie(ctx)).length, 2, 'each revisie once in the history');
  },
);

t.test(
  'a higher revisie with the setting on replaces the current result; the old stays in the history',
  async (t) => {
    const ctx = await buildTestApp(t);
    const s = await standaardSchool(ctx);
    await statussen(ctx, s.auth, [resultaat()]);
    const hernormd = resultaat({
      revisie: 2,
      reden: 'hernormering',
      referentiescores: [{ code: 'DLE', waarde: '24.5' }],
    });
    t.same(await statussen(ctx, s.auth, [hernormd]), ['verwerkt']);
    t.same(await huidig(ctx), [
      { revisie: 2, reden: 'hernormering', ingetrokken: false, dle: '24.5', leerling_id: 'LL-1' },
    ]);
    t.same(await historie(ctx), [
      { revisie: 1, reden: 'nieuw', verwerking: 'toegepast' },
      { revisie: 2, reden: 'hernormering', verwerking: 'toegepast' },
    ]);
  },
);

t.test(
  'a higher revisie with the setting off is overgeslagen: current unchanged, kept as skipped',
  async (t) => {
    const ctx = await buildTestApp(t);
    const s = await standaardSchool(ctx, { verwerken: false });
    t.same(await statussen(ctx, s.auth, [resultaat()]), ['verwerkt'], 'a new result is stored either way');
    const hernormd = resultaat({
      revisie: 2,
      reden: 'hernormering',
      referentiescores: [{ code: 'DLE', waarde: '30' }],
    });
    t.same(await statussen(ctx, s.auth, [hernormd]), ['overgeslagen']);
    t.same(await huidig(ctx), [
      { revisie: 1, reden: 'nieuw', ingetrokken: false, dle: '22.0', leerling_id: 'LL-1' },
    ]);
    t.same(await historie(ctx), [
      { revisie: 1, reden: 'nieuw', verwerking: 'toegepast' },
      { revisie: 2, reden: 'hernormering', verwerking: 'overgeslagen' },
    ]);
    // Turned on again, the same revisie now applies and its history row says so.
    await ctx.sql.query('UPDATE scholen SET boom_wijzigingen_verwerken = true');
    t.same(await statussen(ctx, s.auth, [hernormd]), ['verwerkt']);
    t.same((await historie(ctx))[1], { revisie: 2, reden: 'hernormering', verwerking: 'toegepast' });
    t.same((await huidig(ctx))[0].dle, '30.0');
  },
);

t.test(
  'an intrekking withdraws the result: it leaves current results and the chart, stays in history',
  async (t) => {
    const ctx = await buildTestApp(t);
    const s = await standaardSchool(ctx);
    await ctx.sql.query('INSERT INTO schooltoetsen VALUES ($1, $2)', [s.schoolId, 'BLVS-SP']);
    await statussen(ctx, s.auth, [resultaat()]);
    const punten = await ctx.sql.query('SELECT resultaat_key FROM doorstroomgrafiek_punten');
    t.equal(punten.rowCount, 1, 'a red dot before');
    t.same(await statussen(ctx, s.auth, [resultaat({ revisie: 2, reden: 'intrekking' })]), ['verwerkt']);
    t.same(await huidig(ctx), [
      { revisie: 2, reden: 'intrekking', ingetrokken: true, dle: '22.0', leerling_id: 'LL-1' },
    ]);
    t.equal((await ctx.sql.query('SELECT 1 FROM doorstroomgrafiek_punten')).rowCount, 0, 'no red dot after');
    t.same(await historie(ctx), [
      { revisie: 1, reden: 'nieuw', verwerking: 'toegepast' },
      { revisie: 2, reden: 'intrekking', verwerking: 'toegepast' },
    ]);
  },
);

t.test('an intrekking of a result never stored: verwerkt, in the history, nothing current', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  t.same(await statussen(ctx, s.auth, [resultaat({ revisie: 2, reden: 'intrekking' })]), ['verwerkt']);
  const { rows } = await ctx.sql.query('SELECT 1 FROM toetsresultaten WHERE NOT ingetrokken');
  t.equal(rows.length, 0, 'nothing became current');
  t.same(await historie(ctx), [{ revisie: 2, reden: 'intrekking', verwerking: 'toegepast' }]);
  // The result it withdrew arrives late: it must not come back.
  t.same(await statussen(ctx, s.auth, [resultaat({ revisie: 1 })]), ['verouderd']);
  t.equal((await ctx.sql.query('SELECT 1 FROM toetsresultaten WHERE NOT ingetrokken')).rowCount, 0);
});

t.test('the lookups, in their order; a fout keeps the validated result', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-2', boomLeerlingnummer: '777', toetsdoel: null });
  const res = await lever(
    ctx,
    s.auth,
    aanbieding([
      // unknown pupil AND unknown test: the pupil decides
      resultaat({ resultaatKey: 'A', boomLeerlingnummer: '999999', toets: { code: 'ONBEKEND' } }),
      resultaat({ resultaatKey: 'B', toets: { code: 'ONBEKEND' }, toetsonderdeel: { code: 'X' } }),
      resultaat({ resultaatKey: 'C', toetsonderdeel: { code: 'ZINNEN' } }),
      // no toetsdoel AND unknown onderdeel: the onderdeel decides
      resultaat({ resultaatKey: 'D', boomLeerlingnummer: '777', toetsonderdeel: { code: 'ZINNEN' } }),
      resultaat({ resultaatKey: 'E', boomLeerlingnummer: '777' }),
      resultaat({ resultaatKey: 'F', toetsonderdeel: null }),
    ]),
  );
  t.equal(res.statusCode, 200);
  const r = res.json().resultaten;
  t.same(
    r.map((x: { status: string; fout?: { code: string } }) => x.fout?.code ?? x.status),
    [
      'LEERLING_NIET_GEVONDEN',
      'TOETS_NIET_GEVONDEN',
      'TOETSONDERDEEL_NIET_GEVONDEN',
      'TOETSONDERDEEL_NIET_GEVONDEN',
      'GEEN_TOETSDOEL',
      'verwerkt',
    ],
  );
  t.equal(
    r[0].fout.melding,
    'Boom-leerlingnummer 99… is bij deze school niet bekend',
    'the number is masked',
  );
  const { rows } = await ctx.sql.query(
    'SELECT resultaat_key, code, status, boom_leerlingnummer, leerling_id, toets_code, toetsonderdeel_code, resultaat FROM foutmeldingen ORDER BY resultaat_key',
  );
  t.equal(rows.length, 5);
  t.match(rows[0], {
    resultaat_key: 'A',
    code: 'LEERLING_NIET_GEVONDEN',
    status: 'open',
    boom_leerlingnummer: '999999',
    leerling_id: null,
  });
  t.match(rows[4], { resultaat_key: 'E', code: 'GEEN_TOETSDOEL', leerling_id: 'LL-2' });
  t.same(rows[1].resultaat.toets, { code: 'ONBEKEND' });
  t.equal((await ctx.sql.query('SELECT 1 FROM resultaat_revisies')).rowCount, 1, 'only F passed the lookups');
  const aanb = await ctx.sql.query(
    'SELECT aantal_resultaten, per_status, afgewezen_status FROM aanbiedingen',
  );
  t.same(aanb.rows, [{ aantal_resultaten: 6, per_status: { fout: 5, verwerkt: 1 }, afgewezen_status: null }]);
});

t.test('an unknown Boom number outside the BMP is masked by code point, and stored', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  const res = await lever(ctx, s.auth, aanbieding([resultaat({ boomLeerlingnummer: '\u0001𐀀𐀁' })]));
  t.equal(res.statusCode, 200);
  t.equal(
    res.json().resultaten[0].fout.melding,
    'Boom-leerlingnummer \u0001𐀀… is bij deze school niet bekend',
  );
  const { rows } = await ctx.sql.query('SELECT melding FROM foutmeldingen');
  t.same(rows, [{ melding: 'Boom-leerlingnummer \u0001𐀀… is bij deze school niet bekend' }]);
});

t.test('several revisies of one result in one delivery are handled in order', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  const st = await statussen(ctx, s.auth, [
    resultaat({ revisie: 2, reden: 'correctie' }),
    resultaat({ revisie: 1 }),
    resultaat({ revisie: 3, reden: 'hernormering' }),
    resultaat({ revisie: 3, reden: 'hernormering' }),
  ]);
  t.same(st, ['verwerkt', 'verouderd', 'verwerkt', 'dubbel']);
  t.equal((await huidig(ctx))[0].revisie, 3);
  t.same(
    (await historie(ctx)).map((h: { verwerking: string }) => h.verwerking),
    ['verouderd', 'toegepast', 'toegepast'],
  );
});

t.test('a result delivered for another pupil number moves to that pupil', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-9', boomLeerlingnummer: '555' });
  await statussen(ctx, s.auth, [resultaat()]);
  t.same(
    await statussen(ctx, s.auth, [resultaat({ revisie: 2, reden: 'correctie', boomLeerlingnummer: '555' })]),
    ['verwerkt'],
  );
  t.equal((await huidig(ctx))[0].leerling_id, 'LL-9');
});

t.test('a lookup error that a later delivery gets through is resolved', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  const r = resultaat({ boomLeerlingnummer: '123' });
  await statussen(ctx, s.auth, [r]);
  // Straight into the table: through the API the fix would heal the error itself, before the delivery.
  await ctx.sql.query(
    "INSERT INTO leerlingen (school_id, leerling_id, boom_leerlingnummer, fase, toetsdoel) VALUES ($1, 'LL-3', '123', 'F2', 'PO-midden')",
    [s.schoolId],
  );
  t.same(await statussen(ctx, s.auth, [r]), ['verwerkt']);
  const { rows } = await ctx.sql.query(
    'SELECT status, opgelost_op IS NOT NULL AS opgelost FROM foutmeldingen',
  );
  t.same(rows, [{ status: 'opgelost', opgelost: true }]);
});
