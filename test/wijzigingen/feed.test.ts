import t from 'tap';
import { zetGrens } from '../../src/wijzigingen/grens.js';
import { verwijderOudeWijzigingen } from '../../src/wijzigingen/retentie.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { aanlevering, maakLeerling, maakSchool, maakToets, resultaat } from '../helpers/fixtures.js';

// Issue 16: the feed `wijzigingen`, written by triggers in the transaction of each change, read through
// `wijzigingen_leesbaar` (migrations/0009, docs/database.md).

async function lever(ctx: TestContext, auth: Record<string, string>, resultaten: unknown[]) {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/v1/boom/resultaten',
    headers: auth,
    payload: aanlevering(resultaten),
  });
  if (res.statusCode !== 200) throw new Error(`delivery failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

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

    await lever(ctx, s.auth, [
      resultaat({ resultaatKey: 'R1', boomLeerlingnummer: '111' }),
      resultaat({ resultaatKey: 'R2', boomLeerlingnummer: '222' }),
    ]);
    await lever(ctx, s.auth, [
      resultaat({ resultaatKey: 'R1', revisie: 2, reden: 'intrekking', boomLeerlingnummer: '111' }),
    ]);
    // The same delivery content again as a new berichtId: `dubbel`, nothing changes, nothing in the feed.
    await lever(ctx, s.auth, [
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
