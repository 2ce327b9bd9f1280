import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import t from 'tap';
import { zoekSleutels } from '../../src/boom/repository.js';
import { MIGRATIONS_DIR, migrate } from '../../src/db/migrate.js';
import type { Database } from '../../src/db/types.js';
import { hashSleutel } from '../../src/sleutels.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { lever, tekenKoppen } from '../helpers/boom.js';
import { testServerUrl } from '../helpers/database.js';
import {
  aanbieding,
  maakLeerling,
  maakSchoolZonderSleutel,
  maakToets,
  resultaat,
} from '../helpers/fixtures.js';

// Issue 11, "Signing lapses without anyone noticing": signing is a setting of the school's koppeling. Once
// on, every key of the school needs a valid signature (issued before, after, after a withdrawal of all
// keys), checked on the raw body before it is parsed; an unsigned request is refused (401), not parsed, not
// recorded, and counted in /metrics.

interface Verzoek {
  geheim?: string;
  payload?: string;
  contentType?: string;
  /** Sign this instead of the payload sent (a body changed on the way). */
  getekend?: string;
  /** Seconds to shift webhook-timestamp by. */
  verschuiving?: number;
}

/** One result (or `v.payload`) with key `sleutel`, signed as `v` says. */
function leverMet(ctx: TestContext, sleutel: string, v: Verzoek = {}) {
  return lever(
    ctx,
    { authorization: `Bearer ${sleutel}` },
    v.payload ?? JSON.stringify(aanbieding([resultaat()])),
    {
      geheim: v.geheim,
      getekend: v.getekend,
      verschuiving: v.verschuiving,
      headers: { 'content-type': v.contentType ?? 'application/json' },
    },
  );
}

async function handdruk(ctx: TestContext, sleutel: string, geheim?: string) {
  return ctx.app.inject({
    method: 'POST',
    url: '/v1/boom/koppeling',
    headers: { authorization: `Bearer ${sleutel}`, ...(geheim ? tekenKoppen(geheim, '') : {}) },
  });
}

/** A school with a pupil and the test, but no key yet. */
async function schoolZonderSleutel(ctx: TestContext) {
  const { schoolId } = await maakSchoolZonderSleutel(ctx, { naam: 'De Klimop' });
  await maakLeerling(ctx, schoolId, { leerlingId: 'LL-1', boomLeerlingnummer: '4839201' });
  await maakToets(ctx);
  return { schoolId, url: `/v1/beheer/scholen/${schoolId}/koppeling` };
}

async function nieuweSleutel(ctx: TestContext, url: string): Promise<string> {
  const res = await ctx.app.inject({ method: 'POST', url, headers: ctx.beheer });
  if (res.statusCode !== 201) throw new Error(`key: ${res.statusCode}`);
  return res.json().autorisatiesleutel;
}

async function ondertekeningAan(ctx: TestContext, url: string) {
  return ctx.app.inject({ method: 'POST', url: `${url}/ondertekening`, headers: ctx.beheer });
}

async function tellingen(ctx: TestContext) {
  const { rows } = await ctx.sql.query(
    `SELECT (SELECT count(*)::int FROM aanbiedingen) AS aanbiedingen,
            (SELECT count(*)::int FROM aanbiedingen WHERE afgewezen_status IS NOT NULL) AS afgewezen,
            (SELECT count(*)::int FROM toetsresultaten) AS resultaten,
            (SELECT count(*)::int FROM foutmeldingen) AS fouten`,
  );
  return rows[0] as { aanbiedingen: number; afgewezen: number; resultaten: number; fouten: number };
}

async function geweigerd(ctx: TestContext): Promise<number> {
  const res = await ctx.app.inject({ method: 'GET', url: '/metrics' });
  const m = /^boom_handtekening_geweigerd_total (\d+)$/m.exec(res.body);
  return m ? Number(m[1]) : Number.NaN;
}

async function toonSchool(ctx: TestContext, schoolId: string) {
  const res = await ctx.app.inject({
    method: 'GET',
    url: `/v1/beheer/scholen/${schoolId}`,
    headers: ctx.beheer,
  });
  return { json: res.json(), body: res.body };
}

t.test(
  'signing on, every key withdrawn, a new key: unsigned 401 and nothing stored; signed works',
  async (t) => {
    const ctx = await buildTestApp(t);
    const { schoolId, url } = await schoolZonderSleutel(ctx);
    const k1 = await nieuweSleutel(ctx, url);
    const aan = await ondertekeningAan(ctx, url);
    t.equal(aan.statusCode, 201);
    const geheim: string = aan.json().ondertekengeheim;

    const intrekken = await ctx.app.inject({ method: 'DELETE', url, headers: ctx.beheer });
    t.equal(intrekken.statusCode, 200);
    t.equal(intrekken.json().ondertekening, true, 'withdrawing the keys leaves signing on');
    const k2 = await nieuweSleutel(ctx, url);

    const zonder = await leverMet(ctx, k2);
    t.equal(zonder.statusCode, 401, 'the key issued after the withdrawal must sign');
    t.equal(zonder.json().code, 'HANDTEKENING_ONGELDIG');
    t.same(await tellingen(ctx), { aanbiedingen: 0, afgewezen: 0, resultaten: 0, fouten: 0 });
    t.equal((await handdruk(ctx, k2)).statusCode, 401, 'the handshake too');
    const { rows: status } = await ctx.sql.query(
      'SELECT status FROM koppeling_sleutels ORDER BY aangemaakt_op',
    );
    t.same(
      status.map((r) => r.status),
      ['ingetrokken', 'aangevraagd'],
      'an unsigned handshake activates nothing',
    );

    const getekend = await leverMet(ctx, k2, { geheim });
    t.equal(getekend.statusCode, 200, 'signed with the school’s secret');
    t.equal(getekend.json().resultaten[0].status, 'verwerkt');
    t.same(await tellingen(ctx), { aanbiedingen: 1, afgewezen: 0, resultaten: 1, fouten: 0 });
    t.equal((await leverMet(ctx, k1, { geheim })).statusCode, 401, 'the withdrawn key stays withdrawn');

    const school = await toonSchool(ctx, schoolId);
    t.match(school.json.koppeling, { status: 'aangevraagd', ondertekening: true });
    t.notMatch(school.body, /whsec_/, 'never the secret');
    t.notOk(school.body.includes(geheim.slice(6)), 'never the secret');
  },
);

t.test('signing turned on before the first key: the first key must sign', async (t) => {
  const ctx = await buildTestApp(t);
  const { schoolId, url } = await schoolZonderSleutel(ctx);
  t.equal((await toonSchool(ctx, schoolId)).json.koppeling.ondertekening, false);
  const aan = await ondertekeningAan(ctx, url);
  t.equal(aan.statusCode, 201, 'allowed before the first key');
  t.equal(aan.json().sleutels, 0);
  const geheim: string = aan.json().ondertekengeheim;
  t.match((await toonSchool(ctx, schoolId)).json.koppeling, { status: 'geen', ondertekening: true });

  const k1 = await nieuweSleutel(ctx, url);
  const zonder = await leverMet(ctx, k1);
  t.equal(zonder.statusCode, 401);
  t.equal(zonder.json().code, 'HANDTEKENING_ONGELDIG');
  t.equal((await handdruk(ctx, k1)).statusCode, 401, 'an unsigned handshake');
  t.same(await tellingen(ctx), { aanbiedingen: 0, afgewezen: 0, resultaten: 0, fouten: 0 });

  const hs = await handdruk(ctx, k1, geheim);
  t.equal(hs.statusCode, 200, 'a signed handshake (empty body)');
  t.equal(hs.json().status, 'actief');
  const getekend = await leverMet(ctx, k1, { geheim });
  t.equal(getekend.statusCode, 200);
  t.equal(getekend.json().resultaten[0].status, 'verwerkt');
  t.same(await tellingen(ctx), { aanbiedingen: 1, afgewezen: 0, resultaten: 1, fouten: 0 });
});

t.test(
  'checked on the raw body before parsing: unsigned → 401, not parsed, not recorded, counted',
  async (t) => {
    const ctx = await buildTestApp(t, { BODY_LIMIT_BYTES: '4096' });
    const { url } = await schoolZonderSleutel(ctx);
    const k1 = await nieuweSleutel(ctx, url);
    const geheim: string = (await ondertekeningAan(ctx, url)).json().ondertekengeheim;
    t.equal(await geweigerd(ctx), 0);

    const kapot = '{"berichtId": "B-KAPOT", "resultaten": [';
    const geldig = JSON.stringify(aanbieding([resultaat()], 'B-GELDIG'));
    const weigeringen: Array<[string, Verzoek]> = [
      ['unsigned broken JSON (not 400)', { payload: kapot }],
      ['unsigned text/plain (not 415)', { payload: geldig, contentType: 'text/plain' }],
      ['unsigned, breaking the schema (not 422)', { payload: JSON.stringify({ berichtId: 'B-422' }) }],
      ['broken JSON signed with another secret', { payload: kapot, geheim: `whsec_${'A'.repeat(44)}` }],
      [
        'a body changed after signing',
        { payload: geldig, geheim, getekend: geldig.replace('B-GELDIG', 'B-X') },
      ],
      ['a timestamp 10 minutes old', { payload: geldig, geheim, verschuiving: -600 }],
      ['unsigned, over the body limit (not read)', { payload: `{"x":"${'a'.repeat(5000)}"}` }],
    ];
    for (const [wat, v] of weigeringen) {
      const res = await leverMet(ctx, k1, v);
      t.equal(res.statusCode, 401, wat);
      t.match(res.headers['content-type'], /^application\/problem\+json/, wat);
      t.equal(res.json().code, 'HANDTEKENING_ONGELDIG', wat);
    }
    t.same(
      await tellingen(ctx),
      { aanbiedingen: 0, afgewezen: 0, resultaten: 0, fouten: 0 },
      'none recorded',
    );
    t.equal(await geweigerd(ctx), weigeringen.length, 'each refusal counted in /metrics');

    // A signed request passed the signature: its rejection is recorded as before.
    const kapotGetekend = await leverMet(ctx, k1, { payload: kapot, geheim });
    t.equal(kapotGetekend.statusCode, 400);
    t.equal(kapotGetekend.json().code, 'ONGELDIGE_JSON');
    const tekstGetekend = await leverMet(ctx, k1, { payload: geldig, geheim, contentType: 'text/plain' });
    t.equal(tekstGetekend.statusCode, 415);
    const { rows } = await ctx.sql.query(
      'SELECT afgewezen_status AS status, afgewezen_code AS code FROM aanbiedingen ORDER BY ontvangen_op',
    );
    t.same(rows, [
      { status: 400, code: 'ONGELDIGE_JSON' },
      { status: 415, code: 'CONTENT_TYPE_NIET_ONDERSTEUND' },
    ]);

    // Over the limit with signing headers: a 413 the sender reads, but unverified, so not recorded.
    const groot = `{"x":"${'a'.repeat(5000)}"}`;
    const teGroot = await leverMet(ctx, k1, { payload: groot, geheim });
    t.equal(teGroot.statusCode, 413);
    t.equal(teGroot.json().code, 'TE_GROOT');
    t.equal((await tellingen(ctx)).aanbiedingen, 2, 'an unverified 413 is not recorded');

    const ok = await leverMet(ctx, k1, { payload: geldig, geheim });
    t.equal(ok.statusCode, 200);
    t.same(await tellingen(ctx), { aanbiedingen: 3, afgewezen: 2, resultaten: 1, fouten: 0 });
    t.equal(await geweigerd(ctx), weigeringen.length, 'valid signatures are not counted');
  },
);

t.test('signing off: unsigned requests are accepted again, with every key', async (t) => {
  const ctx = await buildTestApp(t);
  const { schoolId, url } = await schoolZonderSleutel(ctx);
  const k1 = await nieuweSleutel(ctx, url);
  await ondertekeningAan(ctx, url);
  t.equal((await leverMet(ctx, k1)).statusCode, 401);
  const uit = await ctx.app.inject({ method: 'DELETE', url: `${url}/ondertekening`, headers: ctx.beheer });
  t.equal(uit.statusCode, 200);
  t.same(uit.json(), { ondertekengeheim: null, sleutels: 1 });
  t.equal((await toonSchool(ctx, schoolId)).json.koppeling.ondertekening, false);
  const { rows } = await ctx.sql.query('SELECT count(*)::int AS n FROM koppeling_ondertekening');
  t.equal(rows[0].n, 0, 'no secret stays behind');

  const res = await leverMet(ctx, k1);
  t.equal(res.statusCode, 200);
  t.equal(res.json().resultaten[0].status, 'verwerkt');
  const k2 = await nieuweSleutel(ctx, url);
  t.equal((await leverMet(ctx, k2)).statusCode, 200, 'a later key too');
  t.equal((await handdruk(ctx, k2)).statusCode, 200);
  t.same(await tellingen(ctx), { aanbiedingen: 2, afgewezen: 0, resultaten: 1, fouten: 0 });
});

t.test('rotation: the previous secret is valid for 24 hours, then refused', async (t) => {
  const ctx = await buildTestApp(t);
  const { url } = await schoolZonderSleutel(ctx);
  const g1: string = (await ondertekeningAan(ctx, url)).json().ondertekengeheim;
  const k1 = await nieuweSleutel(ctx, url);
  const wissel = await ondertekeningAan(ctx, url);
  t.equal(wissel.statusCode, 201);
  const g2: string = wissel.json().ondertekengeheim;
  t.not(g2, g1);
  const k2 = await nieuweSleutel(ctx, url);
  t.equal((await leverMet(ctx, k1, { geheim: g1 })).statusCode, 200, 'the previous secret, within 24 hours');
  t.equal((await leverMet(ctx, k2, { geheim: g1 })).statusCode, 200, 'with a key issued after the rotation');
  t.equal((await leverMet(ctx, k2, { geheim: g2 })).statusCode, 200, 'the new secret');
  const { rows } = await ctx.sql.query(
    `SELECT count(*)::int AS n FROM koppeling_ondertekening
      WHERE vorig_geheim_verloopt_op BETWEEN now() + interval '23 hours 59 minutes' AND now() + interval '24 hours'`,
  );
  t.equal(
    rows[0].n,
    1,
    'one setting for the school; the previous secret expires 24 hours after the rotation',
  );

  await ctx.sql.query(
    "UPDATE koppeling_ondertekening SET vorig_geheim_verloopt_op = now() - interval '1 second'",
  );
  const voor = await tellingen(ctx);
  const oud = await leverMet(ctx, k2, { geheim: g1 });
  t.equal(oud.statusCode, 401, 'after 24 hours the previous secret is refused');
  t.equal(oud.json().code, 'HANDTEKENING_ONGELDIG');
  t.same(await tellingen(ctx), voor, 'and nothing recorded');
  t.equal((await leverMet(ctx, k1, { geheim: g2 })).statusCode, 200);
});

/** A POST over a real socket, its body written in pieces (chunked: no content-length). */
function postInStukken(port: number, headers: Record<string, string>, stukken: string[]) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: 'POST', path: '/v1/boom/resultaten', headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    (async () => {
      for (const stuk of stukken) {
        if (!req.write(stuk)) await new Promise((r) => req.once('drain', r));
        await new Promise((r) => setImmediate(r));
      }
      req.end();
    })().catch(reject);
  });
}

t.test(
  'over a real socket: a signed body in pieces is handled; an unsigned large body gets a readable 401',
  async (t) => {
    const ctx = await buildTestApp(t);
    const { url } = await schoolZonderSleutel(ctx);
    const k1 = await nieuweSleutel(ctx, url);
    const geheim: string = (await ondertekeningAan(ctx, url)).json().ondertekengeheim;
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = ctx.app.server.address() as AddressInfo;
    const payload = JSON.stringify(aanbieding([resultaat()], 'B-STUKKEN'));
    const stukken = payload.match(/[\s\S]{1,40}/g) as string[];
    const basis = { authorization: `Bearer ${k1}`, 'content-type': 'application/json' };

    const getekend = await postInStukken(port, { ...basis, ...tekenKoppen(geheim, payload) }, stukken);
    t.equal(getekend.status, 200, getekend.body);
    t.equal(JSON.parse(getekend.body).resultaten[0].status, 'verwerkt');

    const groot = JSON.stringify(
      aanbieding(Array.from({ length: 1000 }, (_, i) => resultaat({ resultaatKey: `R-${i}` }))),
    );
    const zonder = await postInStukken(port, basis, groot.match(/[\s\S]{1,65536}/g) as string[]);
    t.equal(zonder.status, 401);
    t.equal(JSON.parse(zonder.body).code, 'HANDTEKENING_ONGELDIG');
    t.same(await tellingen(ctx), { aanbiedingen: 1, afgewezen: 0, resultaten: 1, fouten: 0 });
  },
);

t.test('migration 0006 carries signing over from the key rows to the school', async (t) => {
  const server = testServerUrl();
  const naam = `boomk_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${naam}`);
  await admin.end();
  const u = new URL(server);
  u.pathname = `/${naam}`;
  const url = u.toString();
  const dir = await mkdtemp(path.join(tmpdir(), 'boomk-0006-'));
  const c = new pg.Client({ connectionString: url });
  t.teardown(async () => {
    await c.end().catch(() => {});
    await rm(dir, { recursive: true, force: true });
    const a = new pg.Client({ connectionString: server });
    await a.connect();
    await a.query(`DROP DATABASE IF EXISTS ${naam} WITH (FORCE)`);
    await a.end();
  });
  for (const f of await readdir(MIGRATIONS_DIR)) {
    if (f < '0006') await cp(path.join(MIGRATIONS_DIR, f), path.join(dir, f));
  }
  await migrate(url, dir);
  await c.connect();

  const school = async (n: string) =>
    (await c.query('INSERT INTO scholen (naam) VALUES ($1) RETURNING id', [n])).rows[0].id as string;
  const sleutel = async (
    schoolId: string,
    s: string,
    kolommen: { status?: string; geheim?: string; vorig?: string; vorigVerloopt?: string; leeftijd: number },
  ) => {
    await c.query(
      `INSERT INTO koppeling_sleutels (school_id, sleutel_hash, status, ingetrokken_op, aangemaakt_op, ondertekengeheim,
                                       vorig_ondertekengeheim, vorig_geheim_verloopt_op)
       VALUES ($1, $2, $3, CASE WHEN $3 = 'ingetrokken' THEN now() END, now() - $4 * interval '1 hour', $5, $6, $7::timestamptz)`,
      [
        schoolId,
        hashSleutel(s),
        kolommen.status ?? 'aangevraagd',
        kolommen.leeftijd,
        kolommen.geheim ?? null,
        kolommen.vorig ?? null,
        kolommen.vorigVerloopt ?? null,
      ],
    );
  };
  // A: signing on, rotated an hour ago (the previous secret still valid).
  const a = await school('A');
  await sleutel(a, 'sleutel-a', {
    geheim: 'whsec_QUFB',
    vorig: 'whsec_Vk9SSUc=',
    vorigVerloopt: new Date(Date.now() + 23 * 3600_000).toISOString(),
    leeftijd: 2,
  });
  // B: the lapse of issue 11: signing on, all keys withdrawn, a new key issued without the secret.
  const b = await school('B');
  await sleutel(b, 'sleutel-b-oud', { status: 'ingetrokken', geheim: 'whsec_QkJC', leeftijd: 3 });
  await sleutel(b, 'sleutel-b-nieuw', { leeftijd: 1 });
  // C: never signed.
  const cc = await school('C');
  await sleutel(cc, 'sleutel-c', { leeftijd: 1 });
  // D: a withdrawn key with an old secret, the keys in force with the newer one (its previous one expired).
  const d = await school('D');
  await sleutel(d, 'sleutel-d-oud', { status: 'ingetrokken', geheim: 'whsec_T1VE', leeftijd: 50 });
  await sleutel(d, 'sleutel-d', {
    geheim: 'whsec_RERE',
    vorig: 'whsec_T1VE',
    vorigVerloopt: new Date(Date.now() - 3600_000).toISOString(),
    leeftijd: 40,
  });

  const { applied } = await migrate(url);
  t.ok(applied.includes('0006_ondertekening_koppeling.sql'));
  const { rows } = await c.query(
    `SELECT s.naam, o.ondertekengeheim, o.vorig_ondertekengeheim, o.vorig_geheim_verloopt_op IS NOT NULL AS verloopt
       FROM koppeling_ondertekening o JOIN scholen s ON s.id = o.school_id ORDER BY s.naam`,
  );
  t.same(rows, [
    { naam: 'A', ondertekengeheim: 'whsec_QUFB', vorig_ondertekengeheim: 'whsec_Vk9SSUc=', verloopt: true },
    { naam: 'B', ondertekengeheim: 'whsec_QkJC', vorig_ondertekengeheim: null, verloopt: false },
    { naam: 'D', ondertekengeheim: 'whsec_RERE', vorig_ondertekengeheim: null, verloopt: false },
  ]);
  const kolommen = await c.query(
    "SELECT column_name FROM information_schema.columns WHERE table_name = 'koppeling_sleutels' AND column_name LIKE '%geheim%'",
  );
  t.equal(kolommen.rowCount, 0, 'no copy of a secret stays on the key rows');

  // The delivery path's lookup now finds B's new key with the school's secret, in one query.
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  pool.on('error', () => {}); // told of the forced drop, when a failure above left it open
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const gevonden = await zoekSleutels(db, [hashSleutel('sleutel-b-nieuw'), hashSleutel('sleutel-a')]);
  await db.destroy();
  t.same(
    gevonden
      .map((s) => ({ school: s.school_id, geheim: s.ondertekengeheim, vorig: s.vorig_ondertekengeheim }))
      .sort((x, y) => (x.geheim ?? '').localeCompare(y.geheim ?? '')),
    [
      { school: b, geheim: 'whsec_QkJC', vorig: null },
      { school: a, geheim: 'whsec_QUFB', vorig: 'whsec_Vk9SSUc=' },
    ],
  );
});
