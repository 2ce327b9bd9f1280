import pino from 'pino';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDb } from '../../src/db/pool.js';
import { OPERATOR_TOKEN } from '../helpers/app.js';
import { lever } from '../helpers/boom.js';
import { aanbieding, resultaat, standaardSchool } from '../helpers/fixtures.js';
import { binnen, herstartbarePostgres, wacht } from '../helpers/restartable-postgres.js';

// Issue 4: the database goes away for real (the server process stops) and comes back on the same address.
// The service answers 503 with Retry-After meanwhile, and recovers without a restart of its own.

t.test('PostgreSQL stops: 503 with Retry-After; it starts again: 200, same app, same pool', async (t) => {
  const pg = await herstartbarePostgres(t);
  const config = loadConfig({ DATABASE_URL: pg.url, LOG_LEVEL: 'silent' });
  const logger = pino({ level: 'silent' });
  const handle = createDb(pg.url, { max: 3, log: logger });
  const app = await buildApp({ config, db: handle, logger, operatorToken: OPERATOR_TOKEN });
  t.teardown(() => app.close());
  const s = await standaardSchool({ app });
  const stuur = (berichtId: string, key: string) =>
    lever({ app }, s.auth, aanbieding([resultaat({ resultaatKey: key })], berichtId));
  const ready = () => app.inject({ method: 'GET', url: '/health/ready' });

  t.equal((await stuur('voor', 'K-voor')).statusCode, 200, 'a delivery before the outage');

  // Stopped while deliveries are in flight: each is committed (200) or refused (503), and the process lives
  // on (a checked-out client's error once was an uncaught exception here).
  const inVlucht = Array.from({ length: 12 }, (_, i) => stuur(`vlucht-${i}`, `K-vlucht-${i}`));
  await pg.stop();
  const vlucht = await binnen(15_000, 'deliveries in flight', Promise.all(inVlucht));
  t.ok(
    vlucht.every((r) => r.statusCode === 200 || (r.statusCode === 503 && r.headers['retry-after'] === '5')),
    `in flight: ${vlucht.map((r) => r.statusCode).join(',')}`,
  );
  const tijdens = await binnen(10_000, 'POST during the outage', stuur('tijdens', 'K-tijdens'));
  t.equal(tijdens.statusCode, 503);
  t.equal(tijdens.headers['retry-after'], '5');
  t.match(tijdens.headers['content-type'], /^application\/problem\+json/);
  t.same(tijdens.json(), {
    type: 'urn:boom-koppeling:fout:DATABASE_ONBEREIKBAAR',
    title: 'De database is tijdelijk niet bereikbaar',
    status: 503,
    code: 'DATABASE_ONBEREIKBAAR',
    instance: '/v1/boom/resultaten',
  });
  const readyTijdens = await binnen(10_000, 'ready during the outage', ready());
  t.equal(readyTijdens.statusCode, 503);
  t.equal(readyTijdens.headers['retry-after'], '5');
  t.equal((await app.inject({ method: 'GET', url: '/health/live' })).statusCode, 200, 'alive all along');

  await pg.start();
  // The pool drops its dead clients and connects anew; allow it a few bounded tries.
  let readyNa = await ready();
  for (let i = 0; i < 50 && readyNa.statusCode !== 200; i++) {
    await wacht(100);
    readyNa = await ready();
  }
  t.equal(readyNa.statusCode, 200, 'ready again without restarting the app');

  const opnieuw = await stuur('tijdens', 'K-tijdens');
  t.equal(opnieuw.statusCode, 200, 'the delivery refused with 503 is accepted when sent again');
  t.notOk(opnieuw.headers['idempotent-replayed'], 'it was not stored before: a 503 acknowledged nothing');
  t.equal((await stuur('na', 'K-na')).statusCode, 200);

  // Sent again, every one ends stored once: an acknowledged one is answered as a replay.
  for (const [i, r] of vlucht.entries()) {
    const opnieuwVlucht = await stuur(`vlucht-${i}`, `K-vlucht-${i}`);
    t.equal(opnieuwVlucht.statusCode, 200);
    // A 503 promised nothing either way (the commit may have landed as the connection died); a 200 did.
    if (r.statusCode === 200)
      t.equal(opnieuwVlucht.headers['idempotent-replayed'], 'true', `vlucht-${i} once`);
  }
  const { rows } = await handle.pool.query(
    "SELECT resultaat_key FROM toetsresultaten WHERE resultaat_key NOT LIKE 'K-vlucht-%' ORDER BY resultaat_key",
  );
  const vluchtRijen = await handle.pool.query(
    "SELECT count(*)::int AS n FROM toetsresultaten WHERE resultaat_key LIKE 'K-vlucht-%'",
  );
  t.same(vluchtRijen.rows, [{ n: 12 }]);
  t.same(
    rows.map((r) => r.resultaat_key),
    ['K-na', 'K-tijdens', 'K-voor'],
  );
});
