import t from 'tap';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { lever } from '../helpers/boom.js';
import { rijen } from '../helpers/bundels.js';
import { aanbieding, resultaat, standaardSchool } from '../helpers/fixtures.js';

// An operator's retry and a delivery from Boom may meet on one result key. A delivery takes the key's
// advisory lock first (verwerking_claim) and only then changes the key's open foutmelding; a retry must take
// its locks in the same order, or each holds what the other waits for: a deadlock, which PostgreSQL ends
// after deadlock_timeout (1 s) by aborting one of them. Here a transaction holds the key's lock as a claim
// in flight does; while the retry waits for that lock it must not hold the foutmelding's row.

const LOCK_TIMEOUT = '300ms'; // below deadlock_timeout: a wait for the retry's row lock fails, not deadlocks

async function openFout(ctx: TestContext, auth: Record<string, string>, resultaatKey: string) {
  const res = await lever(ctx, auth, aanbieding([resultaat({ resultaatKey, boomLeerlingnummer: '999' })]));
  if (res.statusCode !== 200) throw new Error(`delivery failed: ${res.statusCode} ${res.body}`);
  const [fout] = await rijen(
    ctx,
    `SELECT id FROM foutmeldingen WHERE resultaat_key = $1 AND status = 'open'`,
    [resultaatKey],
  );
  return fout.id as string;
}

/** Waits until a transaction in this database waits for an advisory lock (the retry, behind the held claim). */
async function wachtOpAdvisoryWacht(ctx: TestContext) {
  for (let i = 0; i < 200; i++) {
    // pg_locks is the whole server's: only this test's database counts (other files run alongside).
    const [r] = await rijen(
      ctx,
      `SELECT count(*)::int AS n FROM pg_locks
        WHERE locktype = 'advisory' AND NOT granted
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    if (r.n > 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('nothing started waiting for the key lock');
}

for (const route of ['one', 'all'] as const) {
  t.test(
    `a retry (${route}) waiting for a key held by a delivery does not hold that key's foutmelding`,
    async (t) => {
      const ctx = await buildTestApp(t);
      const { schoolId, auth } = await standaardSchool(ctx);
      const id = await openFout(ctx, auth, 'R1');

      // A delivery's claim of (school, R1), in flight: the lock verwerking_claim() takes for it.
      const claim = await ctx.sql.connect();
      t.teardown(() => claim.release());
      await claim.query('BEGIN');
      await claim.query(`SELECT pg_advisory_xact_lock(hashtextextended($1::text || ':' || $2, 0))`, [
        schoolId,
        'R1',
      ]);

      const retry = ctx.app.inject({
        method: 'POST',
        url: route === 'one' ? `/v1/beheer/fouten/${id}/opnieuw` : '/v1/beheer/fouten/opnieuw',
        headers: ctx.beheer,
        ...(route === 'all' ? { payload: {} } : {}),
      });
      await wachtOpAdvisoryWacht(ctx);

      // What the delivery then does to the open foutmelding of its key (wijzigFoutenStatement): not held up.
      await claim.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
      const bijgewerkt = await claim.query(
        `UPDATE foutmeldingen SET pogingen = pogingen + 1, laatste_poging_op = clock_timestamp() WHERE id = $1 AND status = 'open'`,
        [id],
      );
      t.equal(
        bijgewerkt.rowCount,
        1,
        "the delivery changed the open foutmelding without waiting for the retry's lock",
      );
      await claim.query('COMMIT');

      const res = await retry;
      t.equal(res.statusCode, 200, res.body);
      const [fout] = await rijen(ctx, 'SELECT status, pogingen FROM foutmeldingen WHERE id = $1', [id]);
      t.same(
        fout,
        { status: 'open', pogingen: 3 },
        'the first delivery, the one held, and the retry: 3 attempts',
      );
    },
  );
}
