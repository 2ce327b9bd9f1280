import t from 'tap';
import { hashSleutel } from '../../src/sleutels.js';
import { buildTestApp } from '../helpers/app.js';

t.test('create, read and change a school', async (t) => {
  const ctx = await buildTestApp(t);
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/v1/beheer/scholen',
    headers: ctx.beheer,
    payload: { naam: 'OBS De Regenboog', brin: '12AB', extra: 'dropped' },
  });
  t.equal(res.statusCode, 201);
  const id = res.json().id;
  const verwacht = {
    id,
    naam: 'OBS De Regenboog',
    brin: '12AB',
    boomWijzigingenVerwerken: true,
    koppeling: { status: 'geen', geactiveerdOp: null, ondertekening: false },
    laatsteAanbiedingOp: null,
    openFouten: 0,
  };
  t.same(res.json(), verwacht);

  const get = await ctx.app.inject({ method: 'GET', url: `/v1/beheer/scholen/${id}`, headers: ctx.beheer });
  t.equal(get.statusCode, 200);
  t.same(get.json(), verwacht);

  const patch = await ctx.app.inject({
    method: 'PATCH',
    url: `/v1/beheer/scholen/${id}`,
    headers: ctx.beheer,
    payload: { boomWijzigingenVerwerken: false },
  });
  t.equal(patch.statusCode, 200);
  t.same(patch.json(), { ...verwacht, boomWijzigingenVerwerken: false });
  const { rows } = await ctx.sql.query('SELECT naam, brin, boom_wijzigingen_verwerken FROM scholen');
  t.same(rows, [{ naam: 'OBS De Regenboog', brin: '12AB', boom_wijzigingen_verwerken: false }]);

  const leeg = await ctx.app.inject({
    method: 'PATCH',
    url: `/v1/beheer/scholen/${id}`,
    headers: ctx.beheer,
    payload: {},
  });
  t.equal(leeg.statusCode, 200);
  t.equal(leeg.json().naam, 'OBS De Regenboog');

  // Deliveries and open errors show in the school's summary.
  await ctx.sql.query(
    `INSERT INTO aanbiedingen (school_id, ontvangen_op, afgewezen_status, afgewezen_code)
     VALUES ($1, '2026-02-04T10:15:23.120Z', 422, 'VALIDATIE_MISLUKT')`,
    [id],
  );
  const g2 = await ctx.app.inject({ method: 'GET', url: `/v1/beheer/scholen/${id}`, headers: ctx.beheer });
  t.equal(g2.json().laatsteAanbiedingOp, '2026-02-04T10:15:23.120Z');
});

t.test('validation and 404s', async (t) => {
  const ctx = await buildTestApp(t);
  const bad = await ctx.app.inject({
    method: 'POST',
    url: '/v1/beheer/scholen',
    headers: ctx.beheer,
    payload: { naam: 'a\u0000b', brin: 'abc' },
  });
  t.equal(bad.statusCode, 422);
  t.match(bad.headers['content-type'], /^application\/problem\+json/);
  // A NUL is refused by the JSON parser (every route, every field): the schema is not looked at then.
  t.match(bad.json(), { code: 'VALIDATIE_MISLUKT', errors: [{ pad: 'naam' }], aantalFouten: 1 });
  t.equal(bad.json().errors.length, 1);
  const twee = await ctx.app.inject({
    method: 'POST',
    url: '/v1/beheer/scholen',
    headers: ctx.beheer,
    payload: { naam: '', brin: 'abc' },
  });
  t.equal(twee.statusCode, 422);
  t.match(twee.json(), {
    code: 'VALIDATIE_MISLUKT',
    errors: [{ pad: 'naam' }, { pad: 'brin' }],
    aantalFouten: 2,
  });

  const surrogaat = await ctx.app.inject({
    method: 'POST',
    url: '/v1/beheer/scholen',
    headers: { ...ctx.beheer, 'content-type': 'application/json' },
    payload: '{"naam":"a\\ud800b"}',
  });
  t.equal(surrogaat.statusCode, 422);
  t.same(
    surrogaat.json().errors.map((e: { pad: string }) => e.pad),
    ['naam'],
  );

  for (const id of ['00000000-0000-4000-8000-000000000000', 'niet-een-uuid', "1' OR '1'='1"]) {
    const url = `/v1/beheer/scholen/${encodeURIComponent(id)}`;
    const get = await ctx.app.inject({ method: 'GET', url, headers: ctx.beheer });
    t.equal(get.statusCode, 404, id);
    t.match(get.json(), { code: 'NIET_GEVONDEN', status: 404 });
    const patch = await ctx.app.inject({ method: 'PATCH', url, headers: ctx.beheer, payload: { naam: 'x' } });
    t.equal(patch.statusCode, 404, id);
    const kop = await ctx.app.inject({ method: 'POST', url: `${url}/koppeling`, headers: ctx.beheer });
    t.equal(kop.statusCode, 404, id);
    const del = await ctx.app.inject({ method: 'DELETE', url: `${url}/koppeling`, headers: ctx.beheer });
    t.equal(del.statusCode, 404, id);
  }
  const patch = await ctx.app.inject({
    method: 'PATCH',
    url: '/v1/beheer/scholen/00000000-0000-4000-8000-000000000000',
    headers: ctx.beheer,
    payload: { boomWijzigingenVerwerken: 'ja' },
  });
  t.equal(patch.statusCode, 422);
  t.same(
    patch.json().errors.map((e: { pad: string }) => e.pad),
    ['boomWijzigingenVerwerken'],
  );
});

t.test('issuing keys: shown once, stored hashed, the previous key expires in 24 hours', async (t) => {
  const ctx = await buildTestApp(t);
  const id = (
    await ctx.app.inject({
      method: 'POST',
      url: '/v1/beheer/scholen',
      headers: ctx.beheer,
      payload: { naam: 'X' },
    })
  ).json().id;
  const url = `/v1/beheer/scholen/${id}/koppeling`;

  const eerste = await ctx.app.inject({ method: 'POST', url, headers: ctx.beheer });
  t.equal(eerste.statusCode, 201);
  t.equal(eerste.headers['cache-control'], 'no-store');
  const k1 = eerste.json();
  t.same(Object.keys(k1).sort(), ['autorisatiesleutel', 'sleutelId', 'status']);
  t.equal(k1.status, 'aangevraagd');
  t.match(k1.autorisatiesleutel, /^bk_[A-Za-z0-9_-]{43}$/);

  let rows = (await ctx.sql.query('SELECT id, sleutel_hash, status, verloopt_op FROM koppeling_sleutels'))
    .rows;
  t.equal(rows.length, 1);
  t.same(rows[0].sleutel_hash, hashSleutel(k1.autorisatiesleutel));
  t.equal(rows[0].verloopt_op, null);

  const school = await ctx.app.inject({
    method: 'GET',
    url: `/v1/beheer/scholen/${id}`,
    headers: ctx.beheer,
  });
  t.same(school.json().koppeling, { status: 'aangevraagd', geactiveerdOp: null, ondertekening: false });
  t.notMatch(school.body, k1.autorisatiesleutel, 'the key is not shown again');

  // The first key became active (Boom's handshake); a new key makes the school's status the new key's.
  await ctx.sql.query(
    `UPDATE koppeling_sleutels SET status = 'actief', geactiveerd_op = '2026-02-01T08:00:00Z'`,
  );
  const tweede = await ctx.app.inject({ method: 'POST', url, headers: ctx.beheer });
  t.equal(tweede.statusCode, 201);
  const k2 = tweede.json();
  t.not(k2.autorisatiesleutel, k1.autorisatiesleutel);
  rows = (
    await ctx.sql.query(
      `SELECT id, status, extract(epoch FROM verloopt_op - (now() + interval '24 hours')) AS verschil
         FROM koppeling_sleutels ORDER BY aangemaakt_op`,
    )
  ).rows;
  t.equal(rows[0].id, k1.sleutelId);
  t.ok(Math.abs(Number(rows[0].verschil)) < 60, 'the previous key expires about 24 hours from now');
  t.equal(rows[1].id, k2.sleutelId);
  t.equal(rows[1].verschil, null);

  // A third key does not extend the first key's expiry.
  await ctx.sql.query(`UPDATE koppeling_sleutels SET verloopt_op = now() + interval '1 hour' WHERE id = $1`, [
    k1.sleutelId,
  ]);
  await ctx.app.inject({ method: 'POST', url, headers: ctx.beheer });
  const eerder = await ctx.sql.query(
    `SELECT verloopt_op < now() + interval '2 hours' AS kort FROM koppeling_sleutels WHERE id = $1`,
    [k1.sleutelId],
  );
  t.equal(eerder.rows[0].kort, true);
  const s2 = await ctx.app.inject({ method: 'GET', url: `/v1/beheer/scholen/${id}`, headers: ctx.beheer });
  t.same(s2.json().koppeling, { status: 'aangevraagd', geactiveerdOp: null, ondertekening: false });
});

t.test('withdrawing every key', async (t) => {
  const ctx = await buildTestApp(t);
  const id = (
    await ctx.app.inject({
      method: 'POST',
      url: '/v1/beheer/scholen',
      headers: ctx.beheer,
      payload: { naam: 'X' },
    })
  ).json().id;
  const url = `/v1/beheer/scholen/${id}/koppeling`;

  const zonder = await ctx.app.inject({ method: 'DELETE', url, headers: ctx.beheer });
  t.equal(zonder.statusCode, 200);
  t.same(zonder.json(), { status: 'geen', geactiveerdOp: null, ondertekening: false, ingetrokken: 0 });

  await ctx.app.inject({ method: 'POST', url, headers: ctx.beheer });
  await ctx.sql.query(
    `UPDATE koppeling_sleutels SET status = 'actief', geactiveerd_op = '2026-02-01T08:00:00Z'`,
  );
  await ctx.app.inject({ method: 'POST', url, headers: ctx.beheer });

  const del = await ctx.app.inject({ method: 'DELETE', url, headers: ctx.beheer });
  t.equal(del.statusCode, 200);
  t.same(del.json(), { status: 'ingetrokken', geactiveerdOp: null, ondertekening: false, ingetrokken: 2 });
  const { rows } = await ctx.sql.query(
    'SELECT status, ingetrokken_op IS NOT NULL AS op FROM koppeling_sleutels ORDER BY aangemaakt_op',
  );
  t.same(rows, [
    { status: 'ingetrokken', op: true },
    { status: 'ingetrokken', op: true },
  ]);
  const nogmaals = await ctx.app.inject({ method: 'DELETE', url, headers: ctx.beheer });
  t.same(nogmaals.json(), {
    status: 'ingetrokken',
    geactiveerdOp: null,
    ondertekening: false,
    ingetrokken: 0,
  });
  const school = await ctx.app.inject({
    method: 'GET',
    url: `/v1/beheer/scholen/${id}`,
    headers: ctx.beheer,
  });
  t.same(school.json().koppeling, { status: 'ingetrokken', geactiveerdOp: null, ondertekening: false });
});
