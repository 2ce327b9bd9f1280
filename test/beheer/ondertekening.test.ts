import t from 'tap';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { lever } from '../helpers/boom.js';
import {
  aanbieding,
  maakLeerling,
  maakSchoolZonderSleutel,
  maakToets,
  resultaat,
} from '../helpers/fixtures.js';

/** One result with key `sleutel`, signed with `geheim` when given. */
function leverMet(ctx: TestContext, sleutel: string, geheim?: string) {
  return lever(ctx, { authorization: `Bearer ${sleutel}` }, aanbieding([resultaat()]), { geheim });
}

t.test('operators turn signing on and off per koppeling; a new key is covered too', async (t) => {
  const ctx = await buildTestApp(t);
  const { schoolId } = await maakSchoolZonderSleutel(ctx, { naam: 'Het Palet' });
  await maakLeerling(ctx, schoolId, { leerlingId: 'LL-1', boomLeerlingnummer: '4839201' });
  await maakToets(ctx);
  const url = `/v1/beheer/scholen/${schoolId}/koppeling`;
  const k1 = (await ctx.app.inject({ method: 'POST', url, headers: ctx.beheer })).json().autorisatiesleutel;

  const aan = await ctx.app.inject({ method: 'POST', url: `${url}/ondertekening`, headers: ctx.beheer });
  t.equal(aan.statusCode, 201);
  t.equal(aan.headers['cache-control'], 'no-store');
  const geheim: string = aan.json().ondertekengeheim;
  t.match(geheim, /^whsec_[A-Za-z0-9+/]{43}=$/);
  t.equal(aan.json().sleutels, 1);

  t.equal((await leverMet(ctx, k1)).statusCode, 401, 'unsigned is refused');
  t.equal(
    (await leverMet(ctx, k1, 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).statusCode,
    401,
    'another secret is refused',
  );
  t.equal((await leverMet(ctx, k1, geheim)).statusCode, 200, 'signed is accepted');

  const k2 = (await ctx.app.inject({ method: 'POST', url, headers: ctx.beheer })).json().autorisatiesleutel;
  t.equal((await leverMet(ctx, k2)).statusCode, 401, 'the new key must sign too');
  t.equal((await leverMet(ctx, k2, geheim)).statusCode, 200);

  // Rotation: the new secret works at once, the previous one for 24 hours more; a key issued meanwhile too.
  const wissel = await ctx.app.inject({ method: 'POST', url: `${url}/ondertekening`, headers: ctx.beheer });
  const nieuw: string = wissel.json().ondertekengeheim;
  t.not(nieuw, geheim);
  t.equal((await leverMet(ctx, k2, nieuw)).statusCode, 200, 'the new secret');
  t.equal((await leverMet(ctx, k2, geheim)).statusCode, 200, 'the previous secret, within 24 hours');
  const k3 = (await ctx.app.inject({ method: 'POST', url, headers: ctx.beheer })).json().autorisatiesleutel;
  t.equal((await leverMet(ctx, k3, geheim)).statusCode, 200, 'a key issued during the switch takes both');
  const { rows } = await ctx.sql.query(
    "SELECT count(*)::int AS n FROM koppeling_ondertekening WHERE vorig_geheim_verloopt_op BETWEEN now() + interval '23 hours' AND now() + interval '25 hours'",
  );
  t.equal(rows[0].n, 1, 'for the koppeling, the previous secret expires 24 hours after the rotation');
  await ctx.sql.query(
    "UPDATE koppeling_ondertekening SET vorig_geheim_verloopt_op = now() - interval '1 second' WHERE vorig_geheim_verloopt_op IS NOT NULL",
  );
  t.equal((await leverMet(ctx, k3, geheim)).statusCode, 401, 'after 24 hours the previous secret is refused');
  t.equal((await leverMet(ctx, k3, nieuw)).statusCode, 200);

  // A client that always sends Content-Type: application/json, with no body: no body, not broken JSON.
  const uit = await ctx.app.inject({
    method: 'DELETE',
    url: `${url}/ondertekening`,
    headers: { ...ctx.beheer, 'content-type': 'application/json' },
    payload: '',
  });
  t.equal(uit.statusCode, 200);
  t.same(uit.json(), { ondertekengeheim: null, sleutels: 3 });
  t.equal((await leverMet(ctx, k2)).statusCode, 200, 'unsigned accepted again');

  const onbekend = await ctx.app.inject({
    method: 'POST',
    url: '/v1/beheer/scholen/00000000-0000-0000-0000-000000000000/koppeling/ondertekening',
    headers: ctx.beheer,
  });
  t.equal(onbekend.statusCode, 404);
  const zonderToken = await ctx.app.inject({ method: 'POST', url: `${url}/ondertekening` });
  t.equal(zonderToken.statusCode, 401);
});
