import t from 'tap';
import { buildTestApp } from '../helpers/app.js';

// Every operator route that names a school, a foutmelding or a toets answers the same 404 for a malformed
// id as for an unknown one (a malformed id names nothing), with the detail of its kind.

const ONBEKEND = '00000000-0000-4000-8000-000000000000';
const school = { code: 'NIET_GEVONDEN', status: 404, detail: 'Deze school bestaat niet' };
const foutmelding = { code: 'NIET_GEVONDEN', status: 404, detail: 'Deze foutmelding bestaat niet' };

t.test('a malformed or unknown schoolId is the same 404 on every route that takes one', async (t) => {
  const ctx = await buildTestApp(t);
  for (const id of [ONBEKEND, 'geen-uuid', "1' OR '1'='1"]) {
    const s = `/v1/beheer/scholen/${encodeURIComponent(id)}`;
    const routes: Array<[string, string, unknown?]> = [
      ['GET', s],
      ['PATCH', s, { naam: 'x' }],
      ['PATCH', s, {}],
      ['POST', `${s}/koppeling`],
      ['DELETE', `${s}/koppeling`],
      ['POST', `${s}/koppeling/ondertekening`],
      ['DELETE', `${s}/koppeling/ondertekening`],
      ['PUT', `${s}/leerlingen/L1`, { fase: 'F2' }],
      ['PUT', `${s}/boom-nummers`, { items: [{ leerlingId: 'L1', boomLeerlingnummer: '1' }] }],
      ['PUT', `${s}/schooltoetsen`, { toetsen: [] }],
      ['GET', `${s}/leerlingen`],
      ['GET', `${s}/schooltoetsen`],
      ['GET', `${s}/resultaten`],
    ];
    for (const [method, url, payload] of routes) {
      const r = await ctx.app.inject({
        method: method as 'GET',
        url,
        headers: ctx.beheer,
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
      t.equal(r.statusCode, 404, `${method} ${url}`);
      t.match(r.json(), school, `${method} ${url}`);
    }
  }
  const { rows } = await ctx.sql.query(
    `SELECT (SELECT count(*)::int FROM koppeling_sleutels) AS sleutels,
            (SELECT count(*)::int FROM koppeling_ondertekening) AS geheimen,
            (SELECT count(*)::int FROM leerlingen) AS leerlingen`,
  );
  t.same(rows, [{ sleutels: 0, geheimen: 0, leerlingen: 0 }], 'nothing was written');
});

t.test('a malformed or unknown foutmelding id, and an unknown toets, are 404s of their kind', async (t) => {
  const ctx = await buildTestApp(t);
  for (const id of [ONBEKEND, 'geen-uuid']) {
    for (const actie of ['opnieuw', 'negeren']) {
      const r = await ctx.app.inject({
        method: 'POST',
        url: `/v1/beheer/fouten/${id}/${actie}`,
        headers: ctx.beheer,
      });
      t.equal(r.statusCode, 404, `${actie} ${id}`);
      t.match(r.json(), foutmelding, `${actie} ${id}`);
    }
  }
  const toets = await ctx.app.inject({ method: 'GET', url: '/v1/beheer/toetsen/XX', headers: ctx.beheer });
  t.equal(toets.statusCode, 404);
  t.match(toets.json(), {
    code: 'NIET_GEVONDEN',
    status: 404,
    detail: 'Deze toets staat niet in de catalogus',
  });
});
