import pino from 'pino';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { freePort } from '../../src/db/embedded.js';
import { createDb } from '../../src/db/pool.js';
import { buildTestApp, OPERATOR_TOKEN, type TestContext } from '../helpers/app.js';
import { lever } from '../helpers/boom.js';
import { aanbieding, maakSchool, resultaat, standaardSchool } from '../helpers/fixtures.js';

// CONTRACT §2 "Responses" and §3 handshake: the envelope, the key, idempotency, and what is recorded.

async function aanbiedingen(ctx: TestContext) {
  const { rows } = await ctx.sql.query(
    'SELECT bericht_id, aantal_resultaten, afgewezen_status, afgewezen_code FROM aanbiedingen ORDER BY ontvangen_op',
  );
  return rows;
}

t.test('missing, unknown, withdrawn and expired keys get one identical 401', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  const ingetrokken = await maakSchool(ctx);
  await ctx.sql.query(
    "UPDATE koppeling_sleutels SET status = 'ingetrokken', ingetrokken_op = now() WHERE id = $1",
    [ingetrokken.sleutelId],
  );
  const verlopen = await maakSchool(ctx);
  await ctx.sql.query(
    "UPDATE koppeling_sleutels SET verloopt_op = now() - interval '1 second' WHERE id = $1",
    [verlopen.sleutelId],
  );
  const body = aanbieding([resultaat()]);
  const cases: Record<string, Record<string, string>> = {
    missing: {},
    unknown: { authorization: `Bearer ${s.sleutel}x` },
    'not bearer': { authorization: `Basic ${s.sleutel}` },
    withdrawn: ingetrokken.auth,
    expired: verlopen.auth,
    'operator token': { authorization: `Bearer ${OPERATOR_TOKEN}` },
  };
  const bodies = new Set<string>();
  for (const [name, headers] of Object.entries(cases)) {
    const res = await lever(ctx, headers, body);
    t.equal(res.statusCode, 401, name);
    t.equal(res.headers['www-authenticate'], 'Bearer', `${name}: WWW-Authenticate`);
    t.match(res.headers['content-type'], /^application\/problem\+json/);
    bodies.add(res.body);
  }
  t.equal(bodies.size, 1, 'the same answer for all');
  t.match(JSON.parse([...bodies][0]!), { status: 401, code: 'NIET_GEAUTORISEERD' });
  t.same(await aanbiedingen(ctx), [], 'nothing recorded before the key check passes');
  const ok = await lever(ctx, s.auth, body);
  t.equal(ok.statusCode, 200, 'the valid key still works');
});

t.test(
  'broken JSON is a 400, another content type a 415, an oversized body a 413; each recorded',
  async (t) => {
    const ctx = await buildTestApp(t, { BODY_LIMIT_BYTES: '2048' });
    const s = await standaardSchool(ctx);
    const json = { 'content-type': 'application/json' };
    const broken = await lever(ctx, s.auth, '{"berichtId": "x",', { headers: json });
    t.equal(broken.statusCode, 400);
    t.match(broken.json(), { code: 'ONGELDIGE_JSON', status: 400 });
    const empty = await lever(ctx, s.auth, '', { headers: json });
    t.equal(empty.statusCode, 400);
    const text = await lever(ctx, s.auth, JSON.stringify(aanbieding([resultaat()])), {
      headers: {
        'content-type': 'text/plain',
      },
    });
    t.equal(text.statusCode, 415);
    t.match(text.json(), { code: 'CONTENT_TYPE_NIET_ONDERSTEUND' });
    const big = aanbieding(Array.from({ length: 20 }, (_, i) => resultaat({ resultaatKey: `K${i}` })));
    const tooBig = await lever(ctx, s.auth, big);
    t.equal(tooBig.statusCode, 413);
    t.match(tooBig.json(), { code: 'TE_GROOT' });
    t.same(await aanbiedingen(ctx), [
      { bericht_id: null, aantal_resultaten: 0, afgewezen_status: 400, afgewezen_code: 'ONGELDIGE_JSON' },
      { bericht_id: null, aantal_resultaten: 0, afgewezen_status: 400, afgewezen_code: 'ONGELDIGE_JSON' },
      {
        bericht_id: null,
        aantal_resultaten: 0,
        afgewezen_status: 415,
        afgewezen_code: 'CONTENT_TYPE_NIET_ONDERSTEUND',
      },
      { bericht_id: null, aantal_resultaten: 0, afgewezen_status: 413, afgewezen_code: 'TE_GROOT' },
    ]);
  },
);

t.test(
  'a schema violation is a 422 naming each bad field; nothing applied, berichtId stays unused',
  async (t) => {
    const ctx = await buildTestApp(t);
    const s = await standaardSchool(ctx);
    const body = aanbieding(
      [
        resultaat({ resultaatKey: 'goed' }),
        resultaat({ afnamedatum: '2026-02-30' }),
        resultaat({ revisie: 0, reden: 'onbekend' }),
        resultaat({ afnamedatum: '2999-01-01', referentiescores: [{ code: 'DLE', waarde: '61' }] }),
      ],
      'b-422',
    );
    const res = await lever(ctx, s.auth, body);
    t.equal(res.statusCode, 422);
    const problem = res.json();
    t.equal(problem.code, 'VALIDATIE_MISLUKT');
    t.same(problem.errors.map((e: { pad: string }) => e.pad).sort(), [
      'resultaten[1].afnamedatum',
      'resultaten[2].reden',
      'resultaten[2].revisie',
      'resultaten[3].afnamedatum',
      'resultaten[3].referentiescores[0].waarde',
    ]);
    for (const e of problem.errors) t.type(e.melding, 'string');
    t.equal(
      (await ctx.sql.query('SELECT 1 FROM toetsresultaten')).rowCount,
      0,
      'the good result was not applied either',
    );
    t.same(await aanbiedingen(ctx), [
      {
        bericht_id: 'b-422',
        aantal_resultaten: 0,
        afgewezen_status: 422,
        afgewezen_code: 'VALIDATIE_MISLUKT',
      },
    ]);
    // Corrected, the same berichtId is accepted.
    const ok = await lever(ctx, s.auth, aanbieding([resultaat()], 'b-422'));
    t.equal(ok.statusCode, 200);
  },
);

t.test('envelope rules: berichtId alphabet, 1–1000 results, a date-time verzondenOp', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  const cases: Array<[unknown, string]> = [
    [{ ...aanbieding([resultaat()]), berichtId: 'met spatie' }, 'berichtId'],
    [{ ...aanbieding([resultaat()]), verzondenOp: 'gisteren' }, 'verzondenOp'],
    [aanbieding([]), 'resultaten'],
    [{ berichtId: 'x', resultaten: [resultaat()] }, 'verzondenOp'],
    [[1, 2], 'body'],
  ];
  for (const [body, pad] of cases) {
    const res = await lever(ctx, s.auth, body);
    t.equal(res.statusCode, 422, pad);
    t.ok(
      res.json().errors.some((e: { pad: string }) => e.pad === pad),
      `names ${pad}: ${JSON.stringify(res.json().errors)}`,
    );
  }
});

t.test('a NUL character or a lone surrogate anywhere is a 422, never a 500', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  const nul = await lever(
    ctx,
    s.auth,
    '{"berichtId":"n1","verzondenOp":"2026-02-04T10:15:22Z","resultaten":[' +
      JSON.stringify(resultaat({ normversie: 'a\u0000b' })) +
      ']}',
    { headers: { 'content-type': 'application/json' } },
  );
  t.equal(nul.statusCode, 422);
  t.same(
    nul.json().errors.map((e: { pad: string }) => e.pad),
    ['resultaten[0].normversie'],
  );
  const surrogate = JSON.stringify(aanbieding([resultaat()], 's1')).replace('4839201', '48\\ud800');
  const res = await lever(ctx, s.auth, surrogate, { headers: { 'content-type': 'application/json' } });
  t.equal(res.statusCode, 422);
  t.same(
    res.json().errors.map((e: { pad: string }) => e.pad),
    ['resultaten[0].boomLeerlingnummer'],
  );
});

t.test('fields outside the contract are dropped, never stored', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  const r = {
    ...resultaat(),
    leerlingNaam: 'Fatima',
    toetsscore: { aantalGoed: 3, geheim: 1 },
    toets: { code: 'BLVS-SP', x: 1 },
  };
  const res = await lever(ctx, s.auth, { ...aanbieding([r]), afzender: 'boom' });
  t.equal(res.statusCode, 200);
  const stored = await ctx.sql.query(
    `SELECT (SELECT string_agg(resultaat::text, '') FROM toetsresultaten) AS a,
            (SELECT string_agg(resultaat::text, '') FROM resultaat_revisies) AS b,
            (SELECT string_agg(bericht::text || antwoord::text, '') FROM aanbiedingen) AS c`,
  );
  const all = JSON.stringify(stored.rows[0]);
  for (const word of ['Fatima', 'leerlingNaam', 'geheim', 'afzender', '"x"'])
    t.notMatch(all, word, `${word} not stored`);
});

t.test(
  'what is stored of a delivery is its validated content: the body, and each result in its history',
  async (t) => {
    const ctx = await buildTestApp(t);
    const s = await standaardSchool(ctx);
    const r1 = resultaat({ resultaatKey: 'K-1', toetsonderdeel: undefined, normversie: 'é "ü" \\ 2019' });
    const r2 = resultaat({ resultaatKey: 'K-2', referentiescores: [] });
    const body = aanbieding([r1, r2], 'inhoud-1');
    t.equal((await lever(ctx, s.auth, { ...body, extra: 1 })).statusCode, 200);
    // zod's output: an absent toetsonderdeel is null; fields outside the contract are gone.
    const gevalideerd = { ...body, resultaten: [{ ...r1, toetsonderdeel: null }, r2] };
    const { rows } = await ctx.sql.query(
      `SELECT (SELECT bericht = $1::jsonb FROM aanbiedingen WHERE bericht_id = 'inhoud-1') AS bericht,
            (SELECT array_agg(resultaat = ($2::jsonb -> (CASE resultaat_key WHEN 'K-1' THEN 0 ELSE 1 END))
                              ORDER BY resultaat_key) FROM resultaat_revisies) AS historie`,
      [JSON.stringify(gevalideerd), JSON.stringify(gevalideerd.resultaten)],
    );
    t.strictSame(rows[0], { bericht: true, historie: [true, true] });
  },
);

t.test('the same berichtId and body is answered again, nothing written; another body is a 409', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  const body = aanbieding(
    [resultaat(), resultaat({ resultaatKey: 'ONBEKEND', boomLeerlingnummer: '1' })],
    'b-1',
  );
  const first = await lever(ctx, s.auth, body);
  t.equal(first.statusCode, 200);
  t.notOk(first.headers['idempotent-replayed']);
  const counts = async () =>
    (
      await ctx.sql.query(
        `SELECT (SELECT count(*) FROM aanbiedingen)::int AS a, (SELECT count(*) FROM resultaat_revisies)::int AS r,
                (SELECT sum(pogingen) FROM foutmeldingen)::int AS f`,
      )
    ).rows[0];
  const before = await counts();
  const again = await lever(ctx, s.auth, body);
  t.equal(again.statusCode, 200);
  t.equal(again.headers['idempotent-replayed'], 'true');
  t.equal(again.body, first.body, 'the original response, byte for byte');
  t.same(await counts(), before, 'nothing written');

  const other = await lever(ctx, s.auth, aanbieding([resultaat({ revisie: 2 })], 'b-1'));
  t.equal(other.statusCode, 409);
  t.match(other.json(), { code: 'BERICHT_ID_HERGEBRUIKT', status: 409 });
  t.equal((await ctx.sql.query('SELECT max(revisie) AS m FROM toetsresultaten')).rows[0].m, 1, 'not applied');
  const rejected = await ctx.sql.query(
    'SELECT bericht_id, afgewezen_status FROM aanbiedingen WHERE afgewezen_status IS NOT NULL',
  );
  t.same(rejected.rows, [{ bericht_id: 'b-1', afgewezen_status: 409 }]);

  // berichtId is unique per school: another school may use the same one.
  const ander = await maakSchool(ctx);
  t.equal((await lever(ctx, ander.auth, aanbieding([resultaat()], 'b-1'))).statusCode, 200);
});

t.test('simultaneous identical deliveries on different connections give one set of rows', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  const body = aanbieding(
    Array.from({ length: 20 }, (_, i) => resultaat({ resultaatKey: `K-${i}` })),
    'tegelijk',
  );
  const answers = await Promise.all(Array.from({ length: 8 }, () => lever(ctx, s.auth, body)));
  t.same(
    answers.map((a) => a.statusCode),
    Array(8).fill(200),
  );
  t.equal(
    answers.filter((a) => a.headers['idempotent-replayed'] === 'true').length,
    7,
    'one handled, seven replayed',
  );
  t.equal(new Set(answers.map((a) => a.body)).size, 1, 'all got the same answer');
  const rows = await ctx.sql.query(
    `SELECT (SELECT count(*) FROM aanbiedingen)::int AS a, (SELECT count(*) FROM toetsresultaten)::int AS t,
            (SELECT count(*) FROM resultaat_revisies)::int AS r`,
  );
  t.same(rows.rows[0], { a: 1, t: 20, r: 20 });
});

t.test(
  'the same result in simultaneous deliveries with different berichtIds: one verwerkt, the rest dubbel',
  async (t) => {
    const ctx = await buildTestApp(t);
    const s = await standaardSchool(ctx);
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => lever(ctx, s.auth, aanbieding([resultaat()], `p-${i}`))),
    );
    const st = answers.map((a) => a.json().resultaten[0].status).sort();
    t.same(st, ['dubbel', 'dubbel', 'dubbel', 'dubbel', 'dubbel', 'verwerkt']);
    t.equal((await ctx.sql.query('SELECT 1 FROM resultaat_revisies')).rowCount, 1);
  },
);

t.test('the handshake moves the key from aangevraagd to actief; again is harmless', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await maakSchool(ctx, { naam: 'Het Palet' });
  const first = await ctx.app.inject({ method: 'POST', url: '/v1/boom/koppeling', headers: s.auth });
  t.equal(first.statusCode, 200);
  t.same(first.json(), { school: { naam: 'Het Palet' }, status: 'actief' });
  const row = await ctx.sql.query('SELECT status, geactiveerd_op FROM koppeling_sleutels WHERE id = $1', [
    s.sleutelId,
  ]);
  t.equal(row.rows[0].status, 'actief');
  t.ok(row.rows[0].geactiveerd_op instanceof Date);
  const again = await ctx.app.inject({
    method: 'POST',
    url: '/v1/boom/koppeling',
    headers: { ...s.auth, 'content-type': 'application/json' },
    payload: '',
  });
  t.equal(again.statusCode, 200);
  t.same(again.json(), first.json());
  const later = await ctx.sql.query('SELECT geactiveerd_op FROM koppeling_sleutels WHERE id = $1', [
    s.sleutelId,
  ]);
  t.same(later.rows[0].geactiveerd_op, row.rows[0].geactiveerd_op, 'activation time kept');
  const none = await ctx.app.inject({ method: 'POST', url: '/v1/boom/koppeling' });
  t.equal(none.statusCode, 401);
  t.equal(none.headers['www-authenticate'], 'Bearer');
});

t.test('results are accepted from a key that is only aangevraagd', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  const res = await lever(ctx, s.auth, aanbieding([resultaat()]));
  t.equal(res.statusCode, 200);
  t.equal((await ctx.sql.query('SELECT status FROM koppeling_sleutels')).rows[0].status, 'aangevraagd');
});

t.test('with the database unreachable: 503 with Retry-After, and no internals', async (t) => {
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/nergens`;
  const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' });
  const logger = pino({ level: 'silent' });
  const app = await buildApp({
    config,
    db: createDb(url, { max: 2, log: logger }),
    logger,
    operatorToken: OPERATOR_TOKEN,
  });
  t.teardown(() => app.close());
  const res = await lever({ app }, { authorization: 'Bearer bk_abc' }, aanbieding([resultaat()]));
  t.equal(res.statusCode, 503);
  t.equal(res.headers['retry-after'], '5');
  t.match(res.json(), { status: 503, code: 'DATABASE_ONBEREIKBAAR' });
  t.notMatch(res.body, /ECONNREFUSED|127\.0\.0\.1|stack/);
  const ready = await app.inject({ method: 'GET', url: '/health/ready' });
  t.equal(ready.statusCode, 503);
  const live = await app.inject({ method: 'GET', url: '/health/live' });
  t.equal(live.statusCode, 200);
});
