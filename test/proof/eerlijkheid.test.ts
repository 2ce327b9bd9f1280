import pg from 'pg';
import t from 'tap';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { lever } from '../helpers/boom.js';
import { aanbieding, maakLeerling, maakSchool, resultaat, standaardSchool } from '../helpers/fixtures.js';
import { binnen, wacht } from '../helpers/restartable-postgres.js';

// Issue 11, CONTRACT §2 "Time and fairness": a delivery of one school is never held up by a lock of
// another. School A's result key is held under its advisory lock by another transaction (as an operator's
// fix or retry-all holds it: the lock key of verwerking_claim(), migrations/0004); meanwhile school B's
// one-result deliveries, sent alone and together with A's, are answered at their usual latency. A's
// delivery waits for the lock (in A's own lane) and is answered 200 once it is released.

const LOCK_MS = 4000;

async function gemeten(ctx: TestContext, auth: Record<string, string>, berichtId: string, key: string) {
  const start = performance.now();
  const res = await lever(ctx, auth, aanbieding([resultaat({ resultaatKey: key })], berichtId));
  return { res, ms: performance.now() - start, klaar: performance.now() };
}

const p99 = (ms: number[]) => {
  const gesorteerd = [...ms].sort((x, y) => x - y);
  return gesorteerd[Math.min(gesorteerd.length - 1, Math.ceil(gesorteerd.length * 0.99) - 1)]!;
};

t.test("one school's result key locked elsewhere: other schools keep their latency; it waits", async (t) => {
  const ctx = await buildTestApp(t);
  const a = await standaardSchool(ctx);
  const b = await maakSchool(ctx, { naam: 'De Klimop' });
  await maakLeerling(ctx, b.schoolId, { leerlingId: 'LL-B', boomLeerlingnummer: '4839201' });

  // B's usual latency, measured here: one at a time, and in bursts of five (batched together).
  const basis: number[] = [];
  for (let i = 0; i < 10; i++) basis.push((await gemeten(ctx, b.auth, `basis-${i}`, `B-basis-${i}`)).ms);
  for (let r = 0; r < 4; r++) {
    const burst = await Promise.all(
      Array.from({ length: 5 }, (_, i) => gemeten(ctx, b.auth, `basis-${r}-${i}`, `B-basis-${r}-${i}`)),
    );
    basis.push(...burst.map((x) => x.ms));
  }

  // Another transaction holds A's result key 'A-1' under the lock key the service uses.
  const houder = new pg.Client({ connectionString: ctx.url });
  await houder.connect();
  t.teardown(() => houder.end());
  await houder.query('BEGIN');
  await houder.query(`SELECT pg_advisory_xact_lock(hashtextextended($1::text || ':' || $2, 0))`, [
    a.schoolId,
    'A-1',
  ]);
  const vergrendeld = performance.now();

  // A's delivery sent together with a burst of B's (so they can share a batch), then a later one of A's with
  // another key (it queues behind A's first, in A's lane: a school's deliveries keep their order).
  const aEerst = gemeten(ctx, a.auth, 'a-1', 'A-1');
  const eersteBurst = await Promise.all(
    Array.from({ length: 4 }, (_, i) => gemeten(ctx, b.auth, `met-a-${i}`, `B-met-a-${i}`)),
  );
  const aLater = gemeten(ctx, a.auth, 'a-2', 'A-2');
  const tijdens = [...eersteBurst];
  while (performance.now() - vergrendeld < LOCK_MS - 1000) {
    tijdens.push(await gemeten(ctx, b.auth, `tijdens-${tijdens.length}`, `B-tijdens-${tijdens.length}`));
    tijdens.push(
      ...(await Promise.all(
        Array.from({ length: 3 }, (_, i) =>
          gemeten(ctx, b.auth, `tijdens-${tijdens.length}-${i}`, `B-tijdens-${tijdens.length}-${i}`),
        ),
      )),
    );
  }
  await wacht(Math.max(0, LOCK_MS - (performance.now() - vergrendeld)));
  const vrijgegeven = performance.now();
  await houder.query('ROLLBACK');
  const [eerst, later] = await binnen(15_000, "A's deliveries", Promise.all([aEerst, aLater]));

  t.ok(
    tijdens.every((x) => x.res.statusCode === 200),
    `B during the lock: ${[...new Set(tijdens.map((x) => x.res.statusCode))]}`,
  );
  t.ok(
    tijdens.every((x) => x.klaar < vrijgegeven),
    "every one of B's deliveries was answered while A's key was still locked",
  );
  const basisP99 = p99(basis);
  const tijdensP99 = p99(tijdens.map((x) => x.ms));
  const grens = Math.max(1000, 3 * basisP99);
  t.ok(
    tijdensP99 <= grens && tijdensP99 < LOCK_MS / 2,
    `B's p99 during the lock ${Math.round(tijdensP99)} ms, before ${Math.round(basisP99)} ms (bound ${Math.round(grens)} ms), over ${tijdens.length} deliveries`,
  );

  t.equal(eerst.res.statusCode, 200, "A's delivery: 200 once the lock is released");
  t.ok(eerst.klaar >= vrijgegeven, 'answered after the release: it waited for its own key');
  t.same(
    eerst.res.json().resultaten.map((r: { status: string }) => r.status),
    ['verwerkt'],
  );
  t.equal(later.res.statusCode, 200, "A's later delivery: 200");
  t.ok(later.klaar >= eerst.klaar - 1, "A's later delivery was answered after its first (its order kept)");

  const { rows } = await ctx.sql.query(
    `SELECT r.resultaat_key, a.bericht_id FROM toetsresultaten r JOIN aanbiedingen a ON a.id = r.aanbieding_id
      WHERE r.school_id = $1 ORDER BY r.resultaat_key`,
    [a.schoolId],
  );
  t.same(rows, [
    { resultaat_key: 'A-1', bericht_id: 'a-1' },
    { resultaat_key: 'A-2', bericht_id: 'a-2' },
  ]);
  const { rows: telling } = await ctx.sql.query(
    `SELECT count(*)::int AS n FROM toetsresultaten WHERE school_id = $1 AND resultaat_key LIKE 'B-tijdens-%'`,
    [b.schoolId],
  );
  t.ok(telling[0].n > 0 && telling[0].n + eersteBurst.length === tijdens.length, "each of B's stored once");
  const metrics = (await ctx.app.inject({ method: 'GET', url: '/metrics' })).body;
  t.match(metrics, /boom_aanbiedingen_uitgesteld_total [1-9]/, 'the wait is counted');
});
