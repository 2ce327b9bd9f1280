import pg from 'pg';
import t from 'tap';
import { createDb } from '../../src/db/pool.js';
import { planGrens, zetGrens } from '../../src/wijzigingen/grens.js';
import { verwijderOudeWijzigingen } from '../../src/wijzigingen/retentie.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { leverResultaten } from '../helpers/boom.js';
import { maakLeerling, maakSchool, maakToets, resultaat } from '../helpers/fixtures.js';

// Issue 16: the feed `wijzigingen`, written by triggers in the transaction of each change, read through
// `wijzigingen_leesbaar` (migrations/0009, docs/database.md).

/**
 * What the service's timer does, then the documented read, until the feed is read to its end. The horizon
 * is the whole server's: a transaction of another test file still running holds it back for a moment.
 */
async function leesFeed(ctx: TestContext, na = 0) {
  const { rows: eind } = await ctx.sql.query('SELECT coalesce(max(positie), 0)::int AS p FROM wijzigingen');
  for (let poging = 0; ; poging++) {
    await zetGrens(ctx.db);
    const { rows } = await ctx.sql.query(
      `SELECT positie::int, xid::text, soort, actie, resultaat_key, revisie, revisie_was, reden, leerling_id, leerling_id_was,
              ingetrokken, ingetrokken_was, verwerking, verwerking_was, code, code_was, status, status_was
         FROM wijzigingen_leesbaar WHERE positie > $1 ORDER BY positie`,
      [na],
    );
    if ((rows.at(-1)?.positie ?? na) >= eind[0].p) return rows;
    if (poging > 500) throw new Error('the feed did not reach its end');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The rows of one transaction (one xid) come together; their order within it is the order of the statements
 * and triggers, which the feed does not promise. Compared per transaction, sorted.
 */
function perTransactie(rows: Array<Record<string, unknown>>) {
  const groepen: Array<Array<Record<string, unknown>>> = [];
  let vorige: unknown;
  for (const { positie: _, xid, ...r } of rows) {
    if (xid !== vorige) groepen.push([]);
    vorige = xid;
    groepen.at(-1)?.push(r);
  }
  return groepen.map(metSoortVolgorde);
}

function metSoortVolgorde(groep: Array<Record<string, unknown>>) {
  const sleutel = (r: Record<string, unknown>) => `${r.soort}/${r.resultaat_key}`;
  return [...groep].sort((a, b) => sleutel(a).localeCompare(sleutel(b)));
}

const leeg = {
  revisie_was: null,
  reden: null,
  leerling_id_was: null,
  ingetrokken: null,
  ingetrokken_was: null,
  verwerking: null,
  verwerking_was: null,
  code: null,
  code_was: null,
  status: null,
  status_was: null,
};

t.test(
  'a delivery, a withdrawal, an error and its healing each land in the feed, once, in order',
  async (t) => {
    const ctx = await buildTestApp(t);
    const s = await maakSchool(ctx);
    await maakToets(ctx);
    await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-1', boomLeerlingnummer: '111' });
    await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-2' });

    await leverResultaten(ctx, s.auth, [
      resultaat({ resultaatKey: 'R1', boomLeerlingnummer: '111' }),
      resultaat({ resultaatKey: 'R2', boomLeerlingnummer: '222' }),
    ]);
    await leverResultaten(ctx, s.auth, [
      resultaat({ resultaatKey: 'R1', revisie: 2, reden: 'intrekking', boomLeerlingnummer: '111' }),
    ]);
    // The same delivery content again as a new berichtId: `dubbel`, nothing changes, nothing in the feed.
    await leverResultaten(ctx, s.auth, [
      resultaat({ resultaatKey: 'R1', revisie: 2, reden: 'intrekking', boomLeerlingnummer: '111' }),
    ]);
    const heal = await ctx.app.inject({
      method: 'PUT',
      url: `/v1/beheer/scholen/${s.schoolId}/leerlingen/LL-2`,
      headers: ctx.beheer,
      payload: { boomLeerlingnummer: '222' },
    });
    t.equal(heal.json().geheeld, 1);

    const rows = await leesFeed(ctx);
    const tr = { ...leeg, soort: 'toetsresultaat' };
    const rev = { ...leeg, soort: 'revisie', verwerking: 'toegepast' };
    const fm = { ...leeg, soort: 'foutmelding', code: 'LEERLING_NIET_GEVONDEN', leerling_id: null };
    t.same(perTransactie(rows), [
      // the first delivery: its current result, its revisie, its error
      [
        { ...fm, actie: 'nieuw', resultaat_key: 'R2', revisie: 1, status: 'open' },
        { ...rev, actie: 'nieuw', resultaat_key: 'R1', revisie: 1, reden: 'nieuw', leerling_id: 'LL-1' },
        {
          ...tr,
          actie: 'nieuw',
          resultaat_key: 'R1',
          revisie: 1,
          reden: 'nieuw',
          leerling_id: 'LL-1',
          ingetrokken: false,
        },
      ],
      // the withdrawal (the `dubbel` after it changed nothing, so it is not here)
      [
        { ...rev, actie: 'nieuw', resultaat_key: 'R1', revisie: 2, reden: 'intrekking', leerling_id: 'LL-1' },
        {
          ...tr,
          actie: 'gewijzigd',
          resultaat_key: 'R1',
          revisie: 2,
          revisie_was: 1,
          reden: 'intrekking',
          leerling_id: 'LL-1',
          leerling_id_was: 'LL-1',
          ingetrokken: true,
          ingetrokken_was: false,
        },
      ],
      // the fix: the error resolved and the result stored, in the fix's transaction
      [
        {
          ...fm,
          actie: 'gewijzigd',
          resultaat_key: 'R2',
          revisie: 1,
          code_was: 'LEERLING_NIET_GEVONDEN',
          status: 'opgelost',
          status_was: 'open',
        },
        { ...rev, actie: 'nieuw', resultaat_key: 'R2', revisie: 1, reden: 'nieuw', leerling_id: 'LL-2' },
        {
          ...tr,
          actie: 'nieuw',
          resultaat_key: 'R2',
          revisie: 1,
          reden: 'nieuw',
          leerling_id: 'LL-2',
          ingetrokken: false,
        },
      ],
    ]);
    const positions = rows.map((r) => r.positie);
    t.same(
      positions,
      [...positions].sort((a, b) => a - b),
      'ascending',
    );
    const { rows: alle } = await ctx.sql.query('SELECT count(*)::int AS n FROM wijzigingen');
    t.equal(alle[0].n, rows.length, 'the read returns every row once all transactions ended');
  },
);

/** The first `positie` the documented read returns, or its whole answer, without moving the bound. */
async function leesbaar(ctx: TestContext, na = 0): Promise<number[]> {
  const { rows } = await ctx.sql.query(
    'SELECT positie::int FROM wijzigingen_leesbaar WHERE positie > $1 ORDER BY positie',
    [na],
  );
  return rows.map((r) => r.positie);
}

async function wachtTot(conditie: () => Promise<boolean>, wat: string) {
  for (let poging = 0; poging < 500; poging++) {
    if (await conditie()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`waited in vain for ${wat}`);
}

t.test(
  'a change committed late: the bijgewerkt_op poll and a plain xid-horizon read miss it, the documented read does not',
  async (t) => {
    const ctx = await buildTestApp(t);
    const s = await maakSchool(ctx);
    await maakToets(ctx);
    await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-1', boomLeerlingnummer: '111' });
    await leverResultaten(
      ctx,
      s.auth,
      ['R1', 'R2'].map((k) => resultaat({ resultaatKey: k, boomLeerlingnummer: '111' })),
    );
    const { rows: start } = await ctx.sql.query('SELECT max(positie)::int AS p FROM wijzigingen');
    const begin = start[0].p as number;
    // Both naive readers have read everything so far.
    // Timestamps as text: a JS Date would drop PostgreSQL's microseconds (and so read rows again).
    const { rows: t0 } = await ctx.sql.query('SELECT max(bijgewerkt_op)::text AS t FROM toetsresultaten');
    let laatsteTijd: string = t0[0].t;
    const tijdLezer = async () => {
      const { rows } = await ctx.sql.query(
        `SELECT resultaat_key, revisie, bijgewerkt_op::text FROM toetsresultaten
          WHERE bijgewerkt_op > $1::timestamptz ORDER BY bijgewerkt_op`,
        [laatsteTijd],
      );
      if (rows.length > 0) laatsteTijd = rows.at(-1).bijgewerkt_op;
      return rows.map((r) => `${r.resultaat_key}@${r.revisie}`);
    };
    let laatsteXid = begin;
    const xidLezer = async () => {
      const { rows } = await ctx.sql.query(
        `SELECT positie::int FROM wijzigingen
          WHERE positie > $1 AND xid < pg_snapshot_xmin(pg_current_snapshot()) ORDER BY positie`,
        [laatsteXid],
      );
      laatsteXid = rows.at(-1)?.positie ?? laatsteXid;
      return rows.map((r) => r.positie as number);
    };

    // Clients of their own: the test's pool keeps its connections for the readers.
    const d = new pg.Client({ connectionString: ctx.url });
    const a = new pg.Client({ connectionString: ctx.url });
    await d.connect();
    await a.connect();
    const wijzig = (key: string, revisie: number) =>
      `UPDATE toetsresultaten SET revisie = ${revisie}, reden = 'correctie', inhoud_hash = '\\x0${revisie}',
              bijgewerkt_op = now() WHERE resultaat_key = '${key}'`;
    // D takes its transaction id first; A takes a later one, changes R1 first and stays open.
    await d.query('BEGIN');
    await d.query('SELECT pg_current_xact_id()');
    await a.query('BEGIN');
    await a.query(wijzig('R1', 2));
    // D changes R2 after A (a higher positie, a lower xid) and commits; a delivery changes R3 and commits.
    await d.query(wijzig('R2', 2));
    await d.query('COMMIT');
    await leverResultaten(ctx, s.auth, [resultaat({ resultaatKey: 'R3', boomLeerlingnummer: '111' })]);
    const { rows: posities } = await ctx.sql.query(
      `SELECT resultaat_key, min(positie)::int AS p FROM wijzigingen WHERE positie > $1 GROUP BY 1`,
      [begin],
    );
    // A's row is visible only to A until it commits.
    const { rows: vanA } = await a.query(
      'SELECT max(positie)::int AS p FROM wijzigingen WHERE xid = pg_current_xact_id()',
    );
    const p = { ...Object.fromEntries(posities.map((r) => [r.resultaat_key, r.p])), R1: vanA[0].p };
    t.ok(p.R1 < p.R2 && p.R2 < p.R3, 'A took its positie before D and the delivery');

    t.same(await tijdLezer(), ['R2@2', 'R3@1'], 'the bijgewerkt_op poll sees the committed changes');
    // Once every transaction but A has ended (other test files run on this server too), the xid-horizon read
    // passes D's row: D's xid is below A's, the oldest still running.
    await wachtTot(async () => (await xidLezer()).includes(p.R2), "the xid-horizon read to reach D's row");
    for (let i = 0; i < 5; i++) {
      await zetGrens(ctx.db);
      t.ok(
        (await leesbaar(ctx, begin)).every((q) => q < p.R1),
        'the documented read holds back what A precedes',
      );
    }

    await a.query('COMMIT');
    t.same(await tijdLezer(), [], "the bijgewerkt_op poll never sees A's change: its time is before R3's");
    await wachtTot(async () => (await xidLezer()).includes(p.R3), 'the xid-horizon read to reach R3');
    const { rows: gemist } = await ctx.sql.query(
      `SELECT count(*)::int AS n FROM wijzigingen WHERE positie = $1 AND positie <= $2`,
      [p.R1, laatsteXid],
    );
    t.equal(gemist[0].n, 1, "the xid-horizon read has moved past A's positie without returning it");

    await wachtTot(async () => {
      await zetGrens(ctx.db);
      return (await leesbaar(ctx, begin)).includes(p.R3);
    }, 'the documented read to reach R3');
    const alles = await leesbaar(ctx, begin);
    const { rows: echt } = await ctx.sql.query(
      'SELECT positie::int FROM wijzigingen WHERE positie > $1 ORDER BY positie',
      [begin],
    );
    t.same(
      alles,
      echt.map((r) => r.positie),
      "the documented read returns A's change too, in positie order",
    );
    await d.end();
    await a.end();
  },
);

t.test('GET /v1/beheer/wijzigingen pages through the feed with na and volgende', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await maakSchool(ctx);
  await maakToets(ctx);
  await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-1', boomLeerlingnummer: '111' });
  await leverResultaten(ctx, s.auth, [
    resultaat({ resultaatKey: 'R1', boomLeerlingnummer: '111' }),
    resultaat({ resultaatKey: 'R2', boomLeerlingnummer: '999' }),
  ]);
  const alle = await leesFeed(ctx);
  t.equal(alle.length, 3);
  const get = (query: string, headers = ctx.beheer) =>
    ctx.app.inject({ method: 'GET', url: `/v1/beheer/wijzigingen${query}`, headers });

  t.equal((await get('', {})).statusCode, 401, 'operator token required');
  for (const bad of ['?na=-1', '?na=abc', '?na=1234567890123456789', '?limit=0', '?limit=501']) {
    const res = await get(bad);
    t.equal(res.statusCode, 422, bad);
    t.match(res.headers['content-type'], /^application\/problem\+json/);
  }

  const eerste = await get('?limit=2');
  t.equal(eerste.statusCode, 200);
  const b1 = eerste.json();
  t.same(
    b1.items.map((i: { positie: number }) => i.positie),
    alle.slice(0, 2).map((r) => r.positie),
  );
  t.equal(b1.volgende, String(alle[1]?.positie));
  const fout = b1.items.find((i: { soort: string }) => i.soort === 'foutmelding');
  const { rows: f } = await ctx.sql.query(
    'SELECT id, vastgelegd_op FROM foutmeldingen, wijzigingen WHERE soort = $1',
    ['foutmelding'],
  );
  if (fout) {
    t.same(fout, {
      positie: fout.positie,
      xid: fout.xid,
      vastgelegdOp: f[0].vastgelegd_op.toISOString(),
      soort: 'foutmelding',
      actie: 'nieuw',
      schoolId: s.schoolId,
      resultaatKey: 'R2',
      revisie: 1,
      revisieWas: null,
      reden: null,
      leerlingId: null,
      leerlingIdWas: null,
      ingetrokken: null,
      ingetrokkenWas: null,
      verwerking: null,
      verwerkingWas: null,
      foutId: f[0].id,
      code: 'LEERLING_NIET_GEVONDEN',
      codeWas: null,
      status: 'open',
      statusWas: null,
    });
    t.match(fout.xid, /^\d+$/);
  }
  const tweede = (await get(`?na=${b1.volgende}&limit=2`)).json();
  t.same(
    tweede.items.map((i: { positie: number }) => i.positie),
    [alle[2]?.positie],
  );
  const derde = (await get(`?na=${tweede.volgende}`)).json();
  t.same(derde, { items: [], volgende: tweede.volgende }, 'nothing new: volgende stays where it was');
  t.same((await get('?na=000')).json().items.length, 3, 'na=0 (leading zeros too) is the beginning');
});

t.test('retention removes feed rows older than the period, oldest first, in bounded batches', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await maakSchool(ctx);
  await maakToets(ctx);
  await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-1', boomLeerlingnummer: '111' });
  await leverResultaten(
    ctx,
    s.auth,
    ['R1', 'R2', 'R3'].map((k) => resultaat({ resultaatKey: k, boomLeerlingnummer: '111' })),
  );
  await leverResultaten(ctx, s.auth, [resultaat({ resultaatKey: 'R4', boomLeerlingnummer: '111' })]);
  // The first delivery's six rows are 31 days old.
  await ctx.sql.query(
    `UPDATE wijzigingen SET vastgelegd_op = now() - interval '31 days'
      WHERE positie IN (SELECT positie FROM wijzigingen ORDER BY positie LIMIT 6)`,
  );
  const { rows: voor } = await ctx.sql.query('SELECT positie::int FROM wijzigingen ORDER BY positie');
  t.equal(voor.length, 8);
  t.equal(await verwijderOudeWijzigingen(ctx.db, 30, 4), 6, 'in batches of 4: 4, then 2');
  t.equal(await verwijderOudeWijzigingen(ctx.db, 30, 4), 0, 'idempotent');
  const { rows: na } = await ctx.sql.query('SELECT positie::int FROM wijzigingen ORDER BY positie');
  t.same(na, voor.slice(6));
  await ctx.sql.query(`UPDATE wijzigingen SET vastgelegd_op = now() - interval '31 days'`);
  t.equal(await verwijderOudeWijzigingen(ctx.db, 30, 4), 2, 'every row old: all of them');
  t.equal(await verwijderOudeWijzigingen(ctx.db, 30), 0, 'an empty feed');
});

t.test(
  'the service moves the bound every interval and announces it with NOTIFY boom_wijzigingen',
  async (t) => {
    const ctx = await buildTestApp(t);
    const s = await maakSchool(ctx);
    await maakToets(ctx);
    await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-1', boomLeerlingnummer: '111' });
    const luisteraar = new pg.Client({ connectionString: ctx.url });
    await luisteraar.connect();
    const meldingen: string[] = [];
    luisteraar.on('notification', (n) => {
      if (n.channel === 'boom_wijzigingen' && n.payload) meldingen.push(n.payload);
    });
    await luisteraar.query('LISTEN boom_wijzigingen');
    const waarschuwingen: string[] = [];
    const stop = planGrens(ctx.db, { warn: (_o, m) => waarschuwingen.push(m) }, 20);
    await leverResultaten(ctx, s.auth, [resultaat({ resultaatKey: 'R1', boomLeerlingnummer: '111' })]);
    const { rows } = await ctx.sql.query('SELECT max(positie)::int AS p FROM wijzigingen');
    await wachtTot(async () => meldingen.includes(String(rows[0].p)), 'the announcement of the new bound');
    t.same(await leesbaar(ctx), [1, 2], 'what was announced is readable');
    const aantal = meldingen.length;
    await new Promise((r) => setTimeout(r, 200));
    t.equal(meldingen.length, aantal, 'nothing new: nothing announced again');
    t.same(waarschuwingen, []);
    stop();
    await luisteraar.end();

    // The order "sequence, then transaction id" is the proof: inside a transaction that wrote, it refuses.
    const c = await ctx.sql.connect();
    try {
      await c.query('BEGIN');
      await c.query(`UPDATE scholen SET naam = 'x'`);
      await t.rejects(c.query('SELECT wijzigingen_grens_zetten()'), /must run before its transaction writes/);
    } finally {
      await c.query('ROLLBACK');
      c.release();
    }
  },
);

t.test('a bound that cannot be moved is a warning, and the timer keeps trying', async (t) => {
  const ctx = await buildTestApp(t);
  const weg = new URL(ctx.url);
  weg.pathname = '/boomk_bestaat_niet';
  const handle = createDb(weg.toString(), { max: 1, log: { warn() {}, error() {} } as never });
  const waarschuwingen: string[] = [];
  const stop = planGrens(handle.db, { warn: (_o, m) => waarschuwingen.push(m) }, 10);
  await wachtTot(async () => waarschuwingen.length >= 2, 'two warnings');
  stop();
  await handle.close();
  t.equal(waarschuwingen[0], 'feed bound not moved');
});

t.test(
  'a bound restored from another server (its transaction ids are not ours) does not hold the feed back',
  async (t) => {
    const ctx = await buildTestApp(t);
    const s = await maakSchool(ctx);
    await maakToets(ctx);
    await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-1', boomLeerlingnummer: '111' });
    await leverResultaten(ctx, s.auth, [resultaat({ resultaatKey: 'R1', boomLeerlingnummer: '111' })]);
    // As a dump of a busier server would bring it: an id far beyond this server's, covering every positie.
    await ctx.sql.query(`INSERT INTO wijzigingen_grenzen (xid, tot_positie) VALUES ('900000000000', 1000)`);
    t.equal((await leesFeed(ctx)).length, 2);
    const { rows } = await ctx.sql.query(
      `SELECT count(*)::int AS n FROM wijzigingen_grenzen WHERE xid = '900000000000'`,
    );
    t.equal(rows[0].n, 0);
  },
);
