import t from 'tap';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { lever } from '../helpers/boom.js';
import {
  aanbieding,
  maakLeerling,
  maakSchool,
  maakToets,
  resultaat,
  standaardSchool,
} from '../helpers/fixtures.js';

// Issue 17: a second, independent test for each rule that had one (through the API; the answer and the rows).

const codeOfStatus = (r: { status: string; fout?: { code: string } }) => r.fout?.code ?? r.status;

async function telling(ctx: TestContext) {
  const { rows } = await ctx.sql.query(`SELECT
      (SELECT count(*)::int FROM toetsresultaten) AS huidig,
      (SELECT count(*)::int FROM resultaat_revisies) AS revisies,
      (SELECT count(*)::int FROM foutmeldingen) AS fouten,
      (SELECT count(*)::int FROM aanbiedingen) AS aanbiedingen`);
  return rows[0];
}

t.test('the lookups in their order: a result failing several at once gets the first code', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx); // LL-1 (4839201) with a toetsdoel; BLVS-SP with WOORDEN, WERKWOORDEN
  await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-Z', boomLeerlingnummer: '600', toetsdoel: null });
  // Stored first: the revisie table comes after every lookup.
  t.equal((await lever(ctx, s.auth, aanbieding([resultaat({ resultaatKey: 'K-S' })]))).statusCode, 200);

  const gevallen: Array<[string, Record<string, unknown>, string, string | null]> = [
    ['pupil + toets', { boomLeerlingnummer: '1', toets: { code: 'XX' } }, 'LEERLING_NIET_GEVONDEN', null],
    [
      'pupil + onderdeel',
      { boomLeerlingnummer: '1', toetsonderdeel: { code: 'XX' } },
      'LEERLING_NIET_GEVONDEN',
      null,
    ],
    [
      'pupil + toets + onderdeel',
      { boomLeerlingnummer: '1', toets: { code: 'XX' }, toetsonderdeel: { code: 'YY' } },
      'LEERLING_NIET_GEVONDEN',
      null,
    ],
    [
      'toets + toetsdoel',
      { boomLeerlingnummer: '600', toets: { code: 'XX' } },
      'TOETS_NIET_GEVONDEN',
      'LL-Z',
    ],
    [
      'toets + onderdeel',
      { toets: { code: 'XX' }, toetsonderdeel: { code: 'YY' } },
      'TOETS_NIET_GEVONDEN',
      'LL-1',
    ],
    [
      'toets + onderdeel + toetsdoel',
      { boomLeerlingnummer: '600', toets: { code: 'XX' }, toetsonderdeel: { code: 'YY' } },
      'TOETS_NIET_GEVONDEN',
      'LL-Z',
    ],
    [
      'onderdeel + toetsdoel',
      { boomLeerlingnummer: '600', toetsonderdeel: { code: 'YY' } },
      'TOETSONDERDEEL_NIET_GEVONDEN',
      'LL-Z',
    ],
    ['toetsdoel alone', { boomLeerlingnummer: '600' }, 'GEEN_TOETSDOEL', 'LL-Z'],
  ];
  // The same resultaatKey and revisie as the stored K-S, with other content: a lookup still comes first.
  const metConflict: Array<[string, Record<string, unknown>, string, string | null]> = [
    ['conflict + pupil', { resultaatKey: 'K-S', boomLeerlingnummer: '1' }, 'LEERLING_NIET_GEVONDEN', null],
  ];
  const alle = [
    ...gevallen.map(([n, o, c, l], i) => [n, { ...o, resultaatKey: `K-${i}` }, c, l] as const),
    ...metConflict,
  ];
  const res = await lever(ctx, s.auth, aanbieding(alle.map(([, o]) => resultaat(o))));
  t.equal(res.statusCode, 200);
  const antwoord = res.json().resultaten;
  for (const [i, [naam, , code]] of alle.entries()) t.equal(codeOfStatus(antwoord[i]), code, naam);

  const { rows } = await ctx.sql.query(
    'SELECT resultaat_key, code, status, leerling_id FROM foutmeldingen ORDER BY resultaat_key',
  );
  t.same(
    rows,
    alle
      .map(([, o, code, leerlingId]) => ({
        resultaat_key: o.resultaatKey,
        code,
        status: 'open',
        leerling_id: leerlingId,
      }))
      .sort((a, b) => (String(a.resultaat_key) < String(b.resultaat_key) ? -1 : 1)),
    'one open foutmelding each, with its code and the pupil when found',
  );
  const revisies = await ctx.sql.query('SELECT resultaat_key FROM resultaat_revisies');
  t.same(revisies.rows, [{ resultaat_key: 'K-S' }], 'none of them passed the lookups');
  const huidig = await ctx.sql.query('SELECT resultaat_key, leerling_id FROM toetsresultaten');
  t.same(huidig.rows, [{ resultaat_key: 'K-S', leerling_id: 'LL-1' }], 'the stored result unchanged');
});

t.test('a new key through the API: the earlier key works for 24 hours more, then not', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  const nieuw = await ctx.app.inject({
    method: 'POST',
    url: `/v1/beheer/scholen/${s.schoolId}/koppeling`,
    headers: ctx.beheer,
  });
  t.equal(nieuw.statusCode, 201);
  const k2 = { authorization: `Bearer ${nieuw.json().autorisatiesleutel}` };

  const metSleutel = (auth: Record<string, string>, key: string) =>
    lever(ctx, auth, aanbieding([resultaat({ resultaatKey: key })]));
  t.equal((await metSleutel(s.auth, 'K-1')).statusCode, 200, 'the earlier key, right after');
  t.equal((await metSleutel(k2, 'K-2')).statusCode, 200, 'the new key');

  // Time moves on: instead of the clock, the earlier key's expiry moves back by the time that "passed".
  const verschuif = (interval: string) =>
    ctx.sql.query(`UPDATE koppeling_sleutels SET verloopt_op = verloopt_op - $2::interval WHERE id = $1`, [
      s.sleutelId,
      interval,
    ]);
  await verschuif('23 hours 58 minutes');
  t.equal((await metSleutel(s.auth, 'K-3')).statusCode, 200, 'the earlier key, 23 h 58 min later');
  await verschuif('4 minutes');
  const geweigerd = await metSleutel(s.auth, 'K-4');
  t.equal(geweigerd.statusCode, 401, 'the earlier key, 24 h 2 min later');
  t.equal(geweigerd.json().code, 'NIET_GEAUTORISEERD');
  t.equal(geweigerd.headers['www-authenticate'], 'Bearer');
  t.equal((await metSleutel(k2, 'K-5')).statusCode, 200, 'the new key has no expiry');
  const { rows } = await ctx.sql.query('SELECT resultaat_key FROM toetsresultaten ORDER BY resultaat_key');
  t.same(
    rows.map((r) => r.resultaat_key),
    ['K-1', 'K-2', 'K-3', 'K-5'],
    'nothing of the refused delivery stored',
  );
  const aanb = await ctx.sql.query('SELECT count(*)::int AS n FROM aanbiedingen');
  t.same(aanb.rows, [{ n: 4 }], 'a refused key is no aanbieding');
  const sleutels = await ctx.sql.query(
    'SELECT verloopt_op IS NULL AS zonder FROM koppeling_sleutels ORDER BY aangemaakt_op',
  );
  t.same(sleutels.rows, [{ zonder: false }, { zonder: true }]);
});

t.test('signing: a webhook-timestamp more than 5 minutes ahead is refused, within it accepted', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  const aan = await ctx.app.inject({
    method: 'POST',
    url: `/v1/beheer/scholen/${s.schoolId}/koppeling/ondertekening`,
    headers: ctx.beheer,
  });
  t.equal(aan.statusCode, 201);
  const geheim: string = aan.json().ondertekengeheim;

  const ondertekend = (key: string, verschuivingSeconden: number) =>
    lever(ctx, s.auth, aanbieding([resultaat({ resultaatKey: key })]), {
      geheim,
      verschuiving: verschuivingSeconden,
      webhookId: `msg_${key}`,
    });
  // 20 s from each edge: the service reads its clock a moment later than the test.
  t.equal((await ondertekend('K-NU', 0)).statusCode, 200, 'now');
  t.equal((await ondertekend('K-VOOR', 280)).statusCode, 200, '4 min 40 s ahead');
  t.equal((await ondertekend('K-ACHTER', -280)).statusCode, 200, '4 min 40 s behind');
  for (const [key, sec, naam] of [
    ['K-TE-NIEUW', 320, '5 min 20 s ahead'],
    ['K-VER-VOORUIT', 3600, 'an hour ahead'],
    ['K-TE-OUD', -320, '5 min 20 s behind'],
  ] as const) {
    const res = await ondertekend(key, sec);
    t.equal(res.statusCode, 401, naam);
    t.equal(res.json().code, 'HANDTEKENING_ONGELDIG', naam);
    t.match(res.headers['content-type'], /^application\/problem\+json/);
  }
  const { rows } = await ctx.sql.query('SELECT resultaat_key FROM toetsresultaten ORDER BY resultaat_key');
  t.same(
    rows.map((r) => r.resultaat_key),
    ['K-ACHTER', 'K-NU', 'K-VOOR'],
  );
  const aanb = await ctx.sql.query('SELECT count(*)::int AS n FROM aanbiedingen');
  t.same(aanb.rows, [{ n: 3 }], 'a refused signature is not recorded');
});

t.test('the DLE: 0–60 months with at most one decimal, through the API', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  const met = (key: string, waarde: string) =>
    lever(
      ctx,
      s.auth,
      aanbieding([resultaat({ resultaatKey: key, referentiescores: [{ code: 'DLE', waarde }] })]),
    );

  for (const [waarde, dle] of [
    ['60', '60.0'],
    ['60.0', '60.0'],
    ['59.9', '59.9'],
    ['0', '0.0'],
    ['0.5', '0.5'],
  ] as const) {
    const res = await met(`K-${waarde}`, waarde);
    t.equal(res.statusCode, 200, waarde);
    t.equal(res.json().resultaten[0].status, 'verwerkt', waarde);
    const { rows } = await ctx.sql.query('SELECT dle::text FROM toetsresultaten WHERE resultaat_key = $1', [
      `K-${waarde}`,
    ]);
    t.same(rows, [{ dle: dle }], `${waarde} stored as ${dle}`);
  }
  for (const waarde of ['60.1', '60.5', '61', '99', '100', '22.55', '-1', '22.', '.5', '1e1']) {
    const res = await met(`K-${waarde}`, waarde);
    t.equal(res.statusCode, 422, waarde);
    t.equal(res.json().code, 'VALIDATIE_MISLUKT', waarde);
    t.ok(
      res.json().errors.some((e: { pad: string }) => e.pad === 'resultaten[0].referentiescores[0].waarde'),
      `${waarde}: the pad names the waarde`,
    );
  }
  t.match(await telling(ctx), { huidig: 5, revisies: 5, fouten: 0 });
  const afgewezen = await ctx.sql.query(
    'SELECT count(*)::int AS n FROM aanbiedingen WHERE afgewezen_status = 422',
  );
  t.same(afgewezen.rows, [{ n: 10 }]);
});

t.test(
  'an intrekking with "Boom wijzigingen verwerken" off is overgeslagen: nothing withdrawn',
  async (t) => {
    const ctx = await buildTestApp(t);
    const s = await maakSchool(ctx, { verwerken: false });
    await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-1', boomLeerlingnummer: '4839201' });
    await maakToets(ctx);
    const st = await ctx.app.inject({
      method: 'PUT',
      url: `/v1/beheer/scholen/${s.schoolId}/schooltoetsen`,
      headers: ctx.beheer,
      payload: { toetsen: ['BLVS-SP'] },
    });
    t.equal(st.statusCode, 200);
    t.equal((await lever(ctx, s.auth, aanbieding([resultaat()]))).json().resultaten[0].status, 'verwerkt');

    const res = await lever(ctx, s.auth, aanbieding([resultaat({ revisie: 2, reden: 'intrekking' })]));
    t.equal(res.statusCode, 200);
    t.same(res.json().resultaten, [{ resultaatKey: 'BTC-R-000123456', revisie: 2, status: 'overgeslagen' }]);
    const huidig = await ctx.sql.query('SELECT revisie, reden, ingetrokken FROM toetsresultaten');
    t.same(huidig.rows, [{ revisie: 1, reden: 'nieuw', ingetrokken: false }], 'the current result unchanged');
    const historie = await ctx.sql.query(
      'SELECT revisie, reden, verwerking FROM resultaat_revisies ORDER BY revisie',
    );
    t.same(historie.rows, [
      { revisie: 1, reden: 'nieuw', verwerking: 'toegepast' },
      { revisie: 2, reden: 'intrekking', verwerking: 'overgeslagen' },
    ]);
    const punten = await ctx.sql.query('SELECT resultaat_key FROM doorstroomgrafiek_punten');
    t.same(punten.rows, [{ resultaat_key: 'BTC-R-000123456' }], 'still a red dot');
    const lijst = await ctx.app.inject({
      method: 'GET',
      url: `/v1/beheer/scholen/${s.schoolId}/resultaten`,
      headers: ctx.beheer,
    });
    t.match(lijst.json().items, [{ resultaatKey: 'BTC-R-000123456', revisie: 1 }]);
    t.equal(lijst.json().items.length, 1);
    t.equal((await ctx.sql.query('SELECT 1 FROM foutmeldingen')).rowCount, 0, 'no foutmelding');
  },
);
