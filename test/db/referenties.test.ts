import pg from 'pg';
import t from 'tap';
import { buildTestApp, type TestContext, tel } from '../helpers/app.js';
import { lever, leverOk } from '../helpers/boom.js';
import { aanbieding, maakLeerling, resultaat, standaardSchool } from '../helpers/fixtures.js';

// Migration 0010 (issue 15): the pupil and the toets of a stored result are held by the claim's locks and by
// triggers on leerlingen and toetsen, not by foreign keys on the result tables. What the keys guaranteed
// must still hold: no result without its pupil and toets, a pupil's removal takes their results and
// history with them, a key in use cannot change.

async function metTweeLeerlingen(ctx: TestContext) {
  const s = await standaardSchool(ctx);
  await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-2', boomLeerlingnummer: '5550002' });
  await leverOk(
    ctx,
    s.auth,
    aanbieding([
      resultaat({ resultaatKey: 'K-1' }),
      resultaat({ resultaatKey: 'K-2', boomLeerlingnummer: '5550002' }),
    ]),
  );
  // A later revisie, so that the history holds more rows than the current results.
  await leverOk(
    ctx,
    s.auth,
    aanbieding([resultaat({ resultaatKey: 'K-1', revisie: 2, reden: 'correctie' })]),
  );
  return s;
}

async function rijenVan(ctx: TestContext, leerlingId: string) {
  const { rows } = await ctx.sql.query(
    `SELECT (SELECT count(*)::int FROM toetsresultaten WHERE leerling_id = $1) AS huidig,
            (SELECT count(*)::int FROM resultaat_revisies WHERE leerling_id = $1) AS historie`,
    [leerlingId],
  );
  return rows[0];
}

t.test(
  "removing a pupil removes their results and history, and the feed says so; others' stay",
  async (t) => {
    const ctx = await buildTestApp(t);
    await metTweeLeerlingen(ctx);
    t.same(await rijenVan(ctx, 'LL-1'), { huidig: 1, historie: 2 });
    await ctx.sql.query(`DELETE FROM leerlingen WHERE leerling_id = 'LL-1'`);
    t.same(await rijenVan(ctx, 'LL-1'), { huidig: 0, historie: 0 });
    t.same(await rijenVan(ctx, 'LL-2'), { huidig: 1, historie: 1 });
    const { rows } = await ctx.sql.query(
      `SELECT soort, resultaat_key, revisie_was FROM wijzigingen WHERE actie = 'verwijderd' ORDER BY soort, revisie_was`,
    );
    t.strictSame(rows, [
      { soort: 'revisie', resultaat_key: 'K-1', revisie_was: null },
      { soort: 'revisie', resultaat_key: 'K-1', revisie_was: null },
      { soort: 'toetsresultaat', resultaat_key: 'K-1', revisie_was: 2 },
    ]);
  },
);

t.test('removing a school removes its pupils, their results and history', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await metTweeLeerlingen(ctx);
  await ctx.sql.query('DELETE FROM scholen WHERE id = $1', [s.schoolId]);
  t.equal(await tel(ctx, 'toetsresultaten'), 0);
  t.equal(await tel(ctx, 'resultaat_revisies'), 0);
});

t.test("a pupil's key cannot change while results name it; their Boom number can", async (t) => {
  const ctx = await buildTestApp(t);
  const s = await metTweeLeerlingen(ctx);
  await t.rejects(ctx.sql.query(`UPDATE leerlingen SET leerling_id = 'LL-9' WHERE leerling_id = 'LL-1'`), {
    code: '23503',
  });
  await ctx.sql.query(`UPDATE leerlingen SET boom_leerlingnummer = '7770001' WHERE leerling_id = 'LL-1'`);
  // A pupil without results may get another key.
  await maakLeerling(ctx, s.schoolId, { leerlingId: 'LL-3', boomLeerlingnummer: '5550003' });
  await ctx.sql.query(`UPDATE leerlingen SET leerling_id = 'LL-4' WHERE leerling_id = 'LL-3'`);
  t.same(await rijenVan(ctx, 'LL-1'), { huidig: 1, historie: 2 });
});

t.test('a toets that results name cannot be removed or renamed; an unused one can', async (t) => {
  const ctx = await buildTestApp(t);
  await metTweeLeerlingen(ctx);
  await t.rejects(ctx.sql.query(`DELETE FROM toetsen WHERE code = 'BLVS-SP'`), { code: '23503' });
  await t.rejects(ctx.sql.query(`UPDATE toetsen SET code = 'BLVS-X' WHERE code = 'BLVS-SP'`), {
    code: '23503',
  });
  await ctx.sql.query(`INSERT INTO toetsen (code, naam, vak) VALUES ('ONGEBRUIKT', 'x', 'spelling')`);
  await ctx.sql.query(`UPDATE toetsen SET code = 'ONGEBRUIKT-2' WHERE code = 'ONGEBRUIKT'`);
  await ctx.sql.query(`DELETE FROM toetsen WHERE code = 'ONGEBRUIKT-2'`);
  t.equal(await tel(ctx, 'toetsen'), 1);
});

/** A transaction on a connection of its own, that has run verwerking_claim() for the standard pupil. */
async function claimInTransactie(ctx: TestContext, schoolId: string) {
  const c = new pg.Client({ connectionString: ctx.url });
  await c.connect();
  await c.query('BEGIN');
  await c.query(
    `SELECT verwerking_claim(ARRAY[$1]::uuid[], '{}', '{}', ARRAY[$1]::uuid[], ARRAY['K-9'], ARRAY[$1]::uuid[],
                             ARRAY['4839201'], ARRAY['BLVS-SP'])`,
    [schoolId],
  );
  return c;
}

t.test('while a batch holds its claim, its pupil and toets cannot be removed or re-keyed', async (t) => {
  const ctx = await buildTestApp(t);
  const s = await standaardSchool(ctx);
  const claim = await claimInTransactie(ctx, s.schoolId);
  t.teardown(() => claim.end());
  const ander = new pg.Client({ connectionString: ctx.url });
  await ander.connect();
  t.teardown(() => ander.end());
  await ander.query(`SET lock_timeout = '300ms'`);
  for (const statement of [
    `DELETE FROM leerlingen WHERE leerling_id = 'LL-1'`,
    `UPDATE leerlingen SET leerling_id = 'LL-9' WHERE leerling_id = 'LL-1'`,
    `DELETE FROM toetsen WHERE code = 'BLVS-SP'`,
  ]) {
    await t.rejects(ander.query(statement), { code: '55P03' }, `${statement} waits for the claim`);
  }
  await claim.query('ROLLBACK');
  await ander.query(`DELETE FROM leerlingen WHERE leerling_id = 'LL-1'`);
  t.equal(await tel(ctx, 'leerlingen'), 0);
});

t.test(
  'a pupil removed while their delivery waits for the lock: the result is an error, nothing orphaned',
  async (t) => {
    const ctx = await buildTestApp(t);
    const s = await standaardSchool(ctx);
    const verwijderaar = new pg.Client({ connectionString: ctx.url });
    await verwijderaar.connect();
    t.teardown(() => verwijderaar.end());
    await verwijderaar.query('BEGIN');
    await verwijderaar.query(`DELETE FROM leerlingen WHERE leerling_id = 'LL-1'`);
    const levering = lever(ctx, s.auth, aanbieding([resultaat()]));
    // The delivery's claim waits for the removal's row lock.
    for (let i = 0; i < 200; i++) {
      const { rows } = await ctx.sql.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
      );
      if (rows[0].n > 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await verwijderaar.query('COMMIT');
    const res = await levering;
    t.equal(res.statusCode, 200);
    t.match(res.json().resultaten, [{ status: 'fout', fout: { code: 'LEERLING_NIET_GEVONDEN' } }]);
    t.equal(await tel(ctx, 'toetsresultaten'), 0);
    t.equal(await tel(ctx, 'resultaat_revisies'), 0);
  },
);
