import { randomUUID } from 'node:crypto';
import t from 'tap';
import { geheugenTeller, redisTeller } from '../../src/boom/mislukte-sleutels.js';
import { buildTestApp } from '../helpers/app.js';
import { aanlevering, resultaat, standaardSchool } from '../helpers/fixtures.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

t.test(
  'repeated failed keys from one client get a 429 with Retry-After; a valid key is never held up',
  async (t) => {
    const ctx = await buildTestApp(t, {
      MISLUKTE_SLEUTELS_MAX: '3',
      MISLUKTE_SLEUTELS_VENSTER_SECONDEN: '60',
    });
    const s = await standaardSchool(ctx);
    const fout = { authorization: 'Bearer bk_geraden' };
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await ctx.app.inject({ method: 'POST', url: '/v1/boom/koppeling', headers: fout });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) {
        t.match(res.headers['retry-after'], /^\d+$/);
        t.ok(Number(res.headers['retry-after']) <= 60);
        t.match(res.json(), { code: 'TE_VEEL_VERZOEKEN', status: 429 });
      }
    }
    t.same(statuses, [401, 401, 401, 429, 429]);
    const ok = await ctx.app.inject({
      method: 'POST',
      url: '/v1/boom/resultaten',
      headers: s.auth,
      payload: aanlevering([resultaat()]),
    });
    t.equal(ok.statusCode, 200, 'the same client with a valid key goes through');
    const other = await ctx.app.inject({
      method: 'POST',
      url: '/v1/boom/koppeling',
      headers: fout,
      remoteAddress: '10.9.8.7',
    });
    t.equal(other.statusCode, 401, 'another client has its own count');
  },
);

t.test('the in-memory window ends', async (t) => {
  let now = 0;
  const teller = geheugenTeller({ maxFouten: 2, vensterSeconden: 10 }, () => now);
  t.same(await teller.registreer('a'), { aantal: 1, resterendSeconden: 10 });
  now = 4_000;
  t.same(await teller.registreer('a'), { aantal: 2, resterendSeconden: 6 });
  now = 10_001;
  t.same(await teller.registreer('a'), { aantal: 1, resterendSeconden: 10 });
});

t.test('through Redis the count is shared by every instance', async (t) => {
  const prefix = `test-${randomUUID()}`;
  const limiet = { maxFouten: 2, vensterSeconden: 30 };
  const a = redisTeller(REDIS_URL, limiet, prefix);
  const b = redisTeller(REDIS_URL, limiet, prefix);
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  t.equal((await a.registreer('1.2.3.4')).aantal, 1);
  t.equal((await b.registreer('1.2.3.4')).aantal, 2);
  const third = await a.registreer('1.2.3.4');
  t.equal(third.aantal, 3);
  t.ok(third.resterendSeconden > 0 && third.resterendSeconden <= 30);

  // Two apps on one database with one shared counter: failures on one count on the other.
  const teller = redisTeller(REDIS_URL, { maxFouten: 2, vensterSeconden: 30 }, `${prefix}-apps`);
  const ctx1 = await buildTestApp(t, { MISLUKTE_SLEUTELS_MAX: '2' }, { mislukteSleutels: teller });
  const fout = { authorization: 'Bearer bk_fout' };
  await ctx1.app.inject({ method: 'POST', url: '/v1/boom/koppeling', headers: fout });
  await ctx1.app.inject({ method: 'POST', url: '/v1/boom/koppeling', headers: fout });
  const third2 = await ctx1.app.inject({ method: 'POST', url: '/v1/boom/koppeling', headers: fout });
  t.equal(third2.statusCode, 429);
});

t.test('with Redis unreachable the check fails open: 401, not 500', async (t) => {
  const teller = redisTeller('redis://127.0.0.1:1', { maxFouten: 1, vensterSeconden: 30 });
  const ctx = await buildTestApp(t, {}, { mislukteSleutels: teller });
  for (let i = 0; i < 3; i++) {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/v1/boom/koppeling',
      headers: { authorization: 'Bearer x' },
    });
    t.equal(res.statusCode, 401);
  }
});
