import fc from 'fast-check';
import t from 'tap';
import '../helpers/fast-check.js';
import { buildTestApp, tel } from '../helpers/app.js';
import { lever } from '../helpers/boom.js';
import { aanbieding, resultaat, standaardSchool } from '../helpers/fixtures.js';

// Issue 11, CONTRACT §2 "Dates and times": every date or date-time the service accepts, in any route or
// query parameter, is one PostgreSQL can store and compare; anything else is a 422 naming the field, never
// a 5xx. afnamedatum: a real date from 2000-01-01 up to tomorrow in Europe/Amsterdam. Date-times: the years
// 1900–9999 (src/schema/datum.ts).

t.test('afnamedatum: only a real date from 2000-01-01; nothing of a rejected delivery is kept', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  for (const datum of ['0000-01-01', '0001-01-01', '1999-12-31', '-0001-01-01', '2026-02-30']) {
    const res = await lever(ctx, s.auth, aanbieding([resultaat({ afnamedatum: datum })], `d-${datum}`));
    t.equal(res.statusCode, 422, `${datum}: ${res.body}`);
    t.equal(res.json().code, 'VALIDATIE_MISLUKT');
    t.same(
      res.json().errors.map((e: { pad: string }) => e.pad),
      ['resultaten[0].afnamedatum'],
      `${datum}: names the field`,
    );
  }
  t.equal(await tel(ctx, 'toetsresultaten'), 0, 'nothing stored');
  t.equal(await tel(ctx, 'foutmeldingen'), 0, 'no foutmelding kept');
  const { rows } = await ctx.sql.query('SELECT afgewezen_status FROM aanbiedingen');
  t.same(new Set(rows.map((r) => r.afgewezen_status)), new Set([422]), 'each recorded as a 422');

  // An unknown pupil too: nothing kept for a later fix to trip on.
  const onbekend = await lever(
    ctx,
    s.auth,
    aanbieding([resultaat({ boomLeerlingnummer: '999', afnamedatum: '0000-01-01' })], 'd-onbekend'),
  );
  t.equal(onbekend.statusCode, 422);
  t.equal(await tel(ctx, 'foutmeldingen'), 0);

  const ok = await lever(ctx, s.auth, aanbieding([resultaat({ afnamedatum: '2000-01-01' })], 'd-ok'));
  t.equal(ok.statusCode, 200, ok.body);
  const opgeslagen = await ctx.sql.query('SELECT afnamedatum::text AS d FROM toetsresultaten');
  t.same(opgeslagen.rows, [{ d: '2000-01-01' }], '2000-01-01 is the first date accepted');
});

t.test('verzondenOp: a date-time PostgreSQL can hold, else a 422 naming it', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  const slecht = [
    '0000-01-01T00:00:00Z',
    '1899-12-31T23:59:59Z',
    '0001-01-01T00:00:00+01:00',
    '2026-02-30T10:00:00Z',
  ];
  slecht.push('2026-02-04T10:15:22+16:00', '2026-02-04T10:15:22-23:59');
  for (const [i, verzondenOp] of slecht.entries()) {
    const res = await lever(ctx, s.auth, { ...aanbieding([resultaat()], `v-${i}`), verzondenOp });
    t.equal(res.statusCode, 422, `${verzondenOp}: ${res.body}`);
    t.same(
      res.json().errors.map((e: { pad: string }) => e.pad),
      ['verzondenOp'],
    );
  }
  const goed = ['1900-01-01T00:00:00Z', '9999-12-31T23:59:59-15:59'];
  for (const [i, verzondenOp] of goed.entries()) {
    const res = await lever(ctx, s.auth, {
      ...aanbieding([resultaat({ resultaatKey: `R-${i}` })], `v-goed-${i}`),
      verzondenOp,
    });
    t.equal(res.statusCode, 200, `${verzondenOp}: ${res.body}`);
  }
  t.equal(await tel(ctx, 'toetsresultaten'), 2);
});

const lijsten = ['/v1/beheer/fouten', '/v1/beheer/aanbiedingen'];

t.test('vanaf and tot of the operators’ lists: a 422 naming the field, never a 5xx', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  await lever(ctx, s.auth, aanbieding([resultaat({ boomLeerlingnummer: '999' })], 'l-1'));
  for (const lijst of lijsten) {
    for (const veld of ['vanaf', 'tot']) {
      for (const waarde of [
        '0000-01-01T00:00:00Z',
        '1899-12-31T23:59:59Z',
        '2026-02-30T00:00:00Z',
        '2026-02-04T10:15:22-16:00',
      ]) {
        const res = await ctx.app.inject({
          method: 'GET',
          url: `${lijst}?${veld}=${encodeURIComponent(waarde)}`,
          headers: ctx.beheer,
        });
        t.equal(res.statusCode, 422, `${lijst} ${veld}=${waarde}: ${res.body}`);
        t.same(
          res.json().errors.map((e: { pad: string }) => e.pad),
          [veld],
        );
      }
    }
    // The outer bounds are accepted, and compared by PostgreSQL.
    const res = await ctx.app.inject({
      method: 'GET',
      url: `${lijst}?vanaf=${encodeURIComponent('1900-01-01T00:00:00+15:59')}&tot=${encodeURIComponent('9999-12-31T23:59:59-15:59')}`,
      headers: ctx.beheer,
    });
    t.equal(res.statusCode, 200, `${lijst}: ${res.body}`);
    t.equal(res.json().items.length, 1);
  }
});

t.test(
  'property: any four-digit date-time in any list or delivery is a 200 or a 422, never a 5xx',
  async (t) => {
    const ctx = await buildTestApp(t);
    const s = await standaardSchool(ctx);
    const tijdstip = fc
      .tuple(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.constantFrom('Z', '+23:59', '-23:59', '+15:59', '-15:59', '-16:00', '+01:00', '+00:00'),
      )
      .map(
        ([j, m, d, z]) =>
          `${String(j).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}T12:00:00${z}`,
      );
    const datum = fc
      .tuple(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
      )
      .map(
        ([j, m, d]) =>
          `${String(j).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
      );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(tijdstip, datum, fc.constantFrom(...lijsten), async (tijd, dag, lijst) => {
        const lijstRes = await ctx.app.inject({
          method: 'GET',
          url: `${lijst}?vanaf=${encodeURIComponent(tijd)}`,
          headers: ctx.beheer,
        });
        if (![200, 422].includes(lijstRes.statusCode)) throw new Error(`${lijst} ${tijd}: ${lijstRes.body}`);
        const res = await lever(ctx, s.auth, {
          ...aanbieding([resultaat({ resultaatKey: `P-${n}`, afnamedatum: dag })], `p-${n++}`),
          verzondenOp: tijd,
        });
        if (![200, 422].includes(res.statusCode)) throw new Error(`${tijd} ${dag}: ${res.body}`);
      }),
      // A fixed number of cases, counted: a slow machine takes longer, it does not test less (issue 17).
      { numRuns: 150 },
    );
    t.equal(n, 150, 'every generated case ran (no time limit cuts the property short)');
    t.equal((await ctx.app.inject({ method: 'GET', url: '/health/ready' })).statusCode, 200, 'still ready');
  },
);
