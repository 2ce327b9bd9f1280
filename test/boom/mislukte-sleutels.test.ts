import { randomUUID } from 'node:crypto';
import t from 'tap';
import { clientVan, inMemoryCounter, MAX_CLIENTS, redisCounter } from '../../src/boom/mislukte-sleutels.js';
import { buildTestApp } from '../helpers/app.js';
import { lever } from '../helpers/boom.js';
import { aanbieding, resultaat, standaardSchool } from '../helpers/fixtures.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

t.test(
  'repeated failed keys from one client get a 429 with Retry-After; a valid key is never held up',
  async (t) => {
    const ctx = await buildTestApp(t, {
      FAILED_KEYS_MAX: '3',
      FAILED_KEYS_WINDOW_SECONDS: '60',
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
    const ok = await lever(ctx, s.auth, aanbieding([resultaat()]));
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
  const teller = inMemoryCounter({ maxFouten: 2, vensterSeconden: 10 }, () => now);
  t.same(await teller.registreer('a'), { aantal: 1, resterendSeconden: 10 });
  now = 4_000;
  t.same(await teller.registreer('a'), { aantal: 2, resterendSeconden: 6 });
  now = 10_001;
  t.same(await teller.registreer('a'), { aantal: 1, resterendSeconden: 10 });
});

t.test('through Redis the count is shared by every instance', async (t) => {
  const prefix = `test-${randomUUID()}`;
  const limiet = { maxFouten: 2, vensterSeconden: 30 };
  const a = redisCounter(REDIS_URL, limiet, prefix);
  const b = redisCounter(REDIS_URL, limiet, prefix);
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
  const teller = redisCounter(REDIS_URL, { maxFouten: 2, vensterSeconden: 30 }, `${prefix}-apps`);
  const ctx1 = await buildTestApp(t, { FAILED_KEYS_MAX: '2' }, { mislukteSleutels: teller });
  const fout = { authorization: 'Bearer bk_fout' };
  await ctx1.app.inject({ method: 'POST', url: '/v1/boom/koppeling', headers: fout });
  await ctx1.app.inject({ method: 'POST', url: '/v1/boom/koppeling', headers: fout });
  const third2 = await ctx1.app.inject({ method: 'POST', url: '/v1/boom/koppeling', headers: fout });
  t.equal(third2.statusCode, 429);
});

t.test('with Redis unreachable the check fails open: 401, not 500', async (t) => {
  const teller = redisCounter('redis://127.0.0.1:1', { maxFouten: 1, vensterSeconden: 30 });
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

t.test(
  'the in-memory counter is a bounded LRU: the least recently failing client is forgotten',
  async (t) => {
    const teller = inMemoryCounter({ maxFouten: 5, vensterSeconden: 60 }, () => 0, 3);
    for (const c of ['a', 'b', 'c', 'a']) await teller.registreer(c);
    await teller.registreer('d'); // four clients in a capacity of three: b, the least recent, goes
    t.equal((await teller.registreer('a')).aantal, 3, 'a was used recently and kept its count');
    t.equal((await teller.registreer('c')).aantal, 2);
    t.equal((await teller.registreer('b')).aantal, 1, 'b was forgotten and starts again');
  },
);

t.test('a flood of distinct addresses costs O(1) per failure, not a scan', async (t) => {
  const teller = inMemoryCounter({ maxFouten: 5, vensterSeconden: 600 });
  const perFout = async (van: number, tot: number) => {
    const start = performance.now();
    for (let i = van; i < tot; i++) await teller.registreer(`c${i}`);
    return (performance.now() - start) / (tot - van);
  };
  // Up to the capacity, then past it with every window still open: a scan of all entries per failure
  // (as before) makes each later failure a hundred times dearer; the machine's load varies, hence the margin.
  const tot = await perFout(0, MAX_CLIENTS);
  const daarna = await perFout(MAX_CLIENTS, MAX_CLIENTS + 5_000);
  t.ok(
    daarna < 10 * tot + 0.05,
    `${tot.toFixed(4)} ms per failure up to the capacity, ${daarna.toFixed(4)} past it`,
  );
  t.equal((await teller.registreer(`c${MAX_CLIENTS + 4_999}`)).aantal, 2, 'the newest are kept');
  t.equal((await teller.registreer('c0')).aantal, 1, 'the oldest were dropped');
});

/** Holds an exclusive lock on the key table: any key lookup now waits (statement_timeout is 30 s). */
async function sleuteltabelOp(ctx: Awaited<ReturnType<typeof buildTestApp>>) {
  const c = await ctx.sql.connect();
  await c.query('BEGIN');
  await c.query('LOCK TABLE koppeling_sleutels IN ACCESS EXCLUSIVE MODE');
  return async () => {
    await c.query('ROLLBACK');
    c.release();
  };
}

for (const variant of ['memory', 'redis'] as const) {
  t.test(`${variant}: a client over the limit is refused before the key lookup`, async (t) => {
    const teller =
      variant === 'redis'
        ? redisCounter(REDIS_URL, { maxFouten: 2, vensterSeconden: 60 }, `test-${randomUUID()}`)
        : undefined;
    const ctx = await buildTestApp(t, { FAILED_KEYS_MAX: '2' }, teller ? { mislukteSleutels: teller } : {});
    const s = await standaardSchool(ctx);
    const koppeling = (authorization: string) =>
      ctx.app.inject({ method: 'POST', url: '/v1/boom/koppeling', headers: { authorization } });
    t.same(
      [(await koppeling('Bearer fout')).statusCode, (await koppeling('Bearer fout')).statusCode],
      [401, 401],
    );
    const vrij = await sleuteltabelOp(ctx);
    try {
      const start = performance.now();
      const res = await koppeling('Bearer fout');
      t.equal(res.statusCode, 429, 'refused while any lookup would wait on the lock');
      t.ok(performance.now() - start < 2_000, 'at once: no database query');
      t.match(res.headers['retry-after'], /^\d+$/);
      t.match(res.json(), { code: 'TE_VEEL_VERZOEKEN' });
      t.equal((await koppeling('')).statusCode, 429, 'no key at all');
    } finally {
      await vrij();
    }
    // Something shaped like an issued key is still looked up: a valid one passes, an unknown one is a 429.
    t.equal((await koppeling(s.auth.authorization)).statusCode, 200, 'a valid key is never held up');
    t.equal((await koppeling(`Bearer bk_${'A'.repeat(43)}`)).statusCode, 429);
    const other = await ctx.app.inject({
      method: 'POST',
      url: '/v1/boom/koppeling',
      headers: { authorization: 'Bearer fout' },
      remoteAddress: '10.9.8.7',
    });
    t.equal(other.statusCode, 401, 'another client has its own count');
  });
}

t.test(
  'an IPv6 client is counted by its /64: the next address of the same block starts no new count',
  async (t) => {
    t.equal(clientVan('2001:db8:1:2::a'), '2001:db8:1:2::/64');
    t.equal(clientVan('2001:0DB8:0001:0002:ffff:1:2:3'), '2001:db8:1:2::/64', 'leading zeros and case');
    t.equal(clientVan('2001:db8::1'), '2001:db8:0:0::/64', ':: inside the prefix');
    t.equal(clientVan('::1'), '0:0:0:0::/64');
    t.equal(clientVan('fe80::1%eth0'), 'fe80:0:0:0::/64', 'a zone is not part of the client');
    t.equal(clientVan('::ffff:192.0.2.7'), '192.0.2.7', 'IPv4-mapped: the IPv4 address');
    t.equal(clientVan('64:ff9b::192.0.2.1'), '64:ff9b:0:0::/64', 'an embedded IPv4 tail');
    t.equal(clientVan('192.0.2.7'), '192.0.2.7');

    const ctx = await buildTestApp(t, { FAILED_KEYS_MAX: '2' });
    const fout = { authorization: `Bearer bk_${'x'.repeat(43)}` };
    const koppeling = (remoteAddress: string) =>
      ctx.app.inject({ method: 'POST', url: '/v1/boom/koppeling', headers: fout, remoteAddress });
    const statuses = [];
    for (const adres of ['2001:db8:1:2::a', '2001:db8:1:2::b', '2001:db8:1:2::c', '2001:db8:1:2:ffff::d']) {
      statuses.push((await koppeling(adres)).statusCode);
    }
    t.same(statuses, [401, 401, 429, 429], 'four addresses of one /64 share one count');
    t.equal((await koppeling('2001:db8:1:3::a')).statusCode, 401, 'the next /64 has its own count');
  },
);
