import { Redis } from 'ioredis';
import t from 'tap';
import { createTestDatabase } from '../helpers/database.js';
import { aanbieding, resultaat } from '../helpers/fixtures.js';
import { startDienst } from '../helpers/service-process.js';

// Issue 4, scaling out: two real service processes on one database. Exactly-once holds when duplicates are
// split across them (the database decides, not a process), a key withdrawn through one is refused by the
// other at once (nothing is cached), and the failed-key limit is shared through Redis.

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TOKEN = 'twee-instanties-operator-token';

t.test('two instances on one database', async (t) => {
  const url = await createTestDatabase(t);
  // The services count failed keys per client address under a fixed Redis key: start from zero.
  const resetTeller = async () => {
    const redis = new Redis(REDIS_URL);
    await redis.del('boom-koppeling:mislukte-sleutels:127.0.0.1');
    await redis.quit();
  };
  await resetTeller();
  const env = { DATABASE_URL: url, OPERATOR_TOKEN: TOKEN, REDIS_URL, FAILED_KEYS_MAX: '3' };
  const [a, b] = await Promise.all([startDienst(t, env), startDienst(t, env)]);
  await Promise.all([a.start(), b.start()]);

  const beheer = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  const call = async (
    base: string,
    method: string,
    pad: string,
    headers: Record<string, string>,
    body?: unknown,
  ) => {
    const res = await fetch(`${base}${pad}`, {
      method,
      headers: body === undefined ? { authorization: headers.authorization! } : headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, headers: res.headers, body: await res.text() };
  };

  // Provisioned through A, used through B.
  const school = JSON.parse(
    (await call(a.baseUrl, 'POST', '/v1/beheer/scholen', beheer, { naam: 'Twee' })).body,
  );
  const sleutel = JSON.parse(
    (await call(a.baseUrl, 'POST', `/v1/beheer/scholen/${school.id}/koppeling`, beheer)).body,
  ).autorisatiesleutel as string;
  await call(a.baseUrl, 'PUT', '/v1/beheer/toetsen/BLVS-SP', beheer, {
    naam: 'Spelling',
    vak: 'spelling',
    onderdelen: [{ code: 'WOORDEN', naam: 'Woorden' }],
  });
  const pupil = await call(b.baseUrl, 'PUT', `/v1/beheer/scholen/${school.id}/leerlingen/LL-1`, beheer, {
    boomLeerlingnummer: '4839201',
    fase: 'F2',
    toetsdoel: 'PO-midden',
  });
  t.equal(pupil.status, 201);
  const boom = { authorization: `Bearer ${sleutel}`, 'content-type': 'application/json' };

  // The same delivery 20 times at once, alternating between the instances.
  const body = aanbieding(
    Array.from({ length: 10 }, (_, i) => resultaat({ resultaatKey: `K-${i}` })),
    'gesplitst',
  );
  const answers = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      call(i % 2 ? b.baseUrl : a.baseUrl, 'POST', '/v1/boom/resultaten', boom, body),
    ),
  );
  t.same(
    answers.map((r) => r.status),
    Array(20).fill(200),
  );
  t.equal(answers.filter((r) => r.headers.get('idempotent-replayed') === 'true').length, 19, 'handled once');
  t.equal(new Set(answers.map((r) => r.body)).size, 1, 'one answer for all');

  // One result in deliveries with different berichtIds, split across both: one verwerkt, the rest dubbel.
  const split = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      call(
        i % 2 ? b.baseUrl : a.baseUrl,
        'POST',
        '/v1/boom/resultaten',
        boom,
        aanbieding([resultaat({ resultaatKey: 'S' })], `s-${i}`),
      ),
    ),
  );
  t.same(split.map((r) => JSON.parse(r.body).resultaten[0].status).sort(), [
    'dubbel',
    'dubbel',
    'dubbel',
    'dubbel',
    'dubbel',
    'dubbel',
    'dubbel',
    'dubbel',
    'dubbel',
    'verwerkt',
  ]);
  const rows = await call(a.baseUrl, 'GET', `/v1/beheer/aanbiedingen?schoolId=${school.id}`, beheer);
  t.equal(JSON.parse(rows.body).items.length, 11, 'one aanbieding per berichtId');

  // Failed keys counted on A count on B too (Redis): the fourth failure, on B, is a 429.
  const fout = { authorization: 'Bearer bk_geraden' };
  const statuses = [];
  for (const base of [a.baseUrl, a.baseUrl, a.baseUrl, b.baseUrl]) {
    statuses.push((await call(base, 'POST', '/v1/boom/koppeling', fout)).status);
  }
  t.same(statuses, [401, 401, 401, 429]);

  // Withdrawn through A: refused by B at once (the failed-key count starts afresh, so the refusal is a 401).
  await resetTeller();
  t.equal((await call(b.baseUrl, 'POST', '/v1/boom/koppeling', boom)).status, 200);
  t.equal((await call(a.baseUrl, 'DELETE', `/v1/beheer/scholen/${school.id}/koppeling`, beheer)).status, 200);
  t.equal(
    (await call(b.baseUrl, 'POST', '/v1/boom/koppeling', boom)).status,
    401,
    'B refuses the withdrawn key',
  );
});
