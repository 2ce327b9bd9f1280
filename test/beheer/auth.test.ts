import t from 'tap';
import { buildTestApp } from '../helpers/app.js';
import { maakSchoolZonderSleutel } from '../helpers/fixtures.js';

t.test('the operators API answers 401 without the operator token', async (t) => {
  const ctx = await buildTestApp(t);
  const { schoolId } = await maakSchoolZonderSleutel(ctx);
  const sleutel = await ctx.app.inject({
    method: 'POST',
    url: `/v1/beheer/scholen/${schoolId}/koppeling`,
    headers: ctx.beheer,
  });
  const koppelingKey = sleutel.json().autorisatiesleutel as string;

  const gevallen: Array<[string, Record<string, string>]> = [
    ['missing', {}],
    ['wrong token', { authorization: 'Bearer verkeerd-token-0123456789' }],
    ['not bearer', { authorization: 'Basic dGVzdDp0ZXN0' }],
    ['a koppeling key', { authorization: `Bearer ${koppelingKey}` }],
    ['token with a suffix', { authorization: `${ctx.beheer.authorization}x` }],
  ];
  for (const [naam, headers] of gevallen) {
    const res = await ctx.app.inject({ method: 'GET', url: `/v1/beheer/scholen/${schoolId}`, headers });
    t.equal(res.statusCode, 401, naam);
    t.equal(res.headers['www-authenticate'], 'Bearer', naam);
    t.match(res.headers['content-type'], /^application\/problem\+json/, naam);
    t.same(res.json(), {
      type: 'urn:boom-koppeling:fout:OPERATOR_NIET_GEAUTORISEERD',
      title: 'Operatortoken ontbreekt of is onjuist',
      status: 401,
      code: 'OPERATOR_NIET_GEAUTORISEERD',
      instance: `/v1/beheer/scholen/${schoolId}`,
    });
  }

  // Auth comes before validation: a bad body without a token is still a 401, and nothing is written.
  const post = await ctx.app.inject({ method: 'POST', url: '/v1/beheer/scholen', payload: { naam: 'x' } });
  t.equal(post.statusCode, 401);
  const { rows } = await ctx.sql.query('SELECT count(*)::int AS n FROM scholen');
  t.equal(rows[0].n, 1);
});

t.test('open routes stay open and every beheer route is in the OpenAPI document', async (t) => {
  const ctx = await buildTestApp(t);
  t.equal((await ctx.app.inject({ method: 'GET', url: '/health/live' })).statusCode, 200);
  const doc = (await ctx.app.inject({ method: 'GET', url: '/docs/json' })).json();
  const paden = Object.keys(doc.paths).filter((p) => p.startsWith('/v1/beheer/'));
  t.ok(paden.length >= 14, `documents ${paden.length} beheer paths`);
  for (const p of paden) {
    for (const op of Object.values(doc.paths[p]) as Array<{ tags: string[]; security: unknown }>) {
      t.same(op.tags, ['beheer'], p);
      t.same(op.security, [{ operatortoken: [] }], p);
    }
  }
});
