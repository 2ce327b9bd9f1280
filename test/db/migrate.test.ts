import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import t from 'tap';
import { MIGRATIONS_DIR, migrate } from '../../src/db/migrate.js';
import { createTestDatabase } from '../helpers/database.js';

t.test('migrations are idempotent, and a changed migration is refused', async (t) => {
  // The test database is a copy of the migrated template: running them again applies nothing.
  const url = await createTestDatabase(t);
  t.same(await migrate(url), { applied: [] });

  const dir = await mkdtemp(path.join(tmpdir(), 'boomk-migr-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  await writeFile(path.join(dir, '9999_extra.sql'), 'CREATE TABLE extra_test (id int);');
  t.same(await migrate(url, dir), { applied: ['9999_extra.sql'] });
  t.same(await migrate(url, dir), { applied: [] });

  await writeFile(path.join(dir, '9999_extra.sql'), 'CREATE TABLE extra_test (id bigint);');
  await t.rejects(migrate(url, dir), /9999_extra\.sql was changed after it ran/);

  await writeFile(path.join(dir, '9998_broken.sql'), 'CREATE TABLE broken (;');
  await t.rejects(migrate(url, dir), /9998_broken\.sql failed/);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  t.teardown(() => c.end());
  const { rows } = await c.query(
    "SELECT count(*)::int AS n FROM schema_migraties WHERE naam = '9998_broken.sql'",
  );
  t.equal(rows[0].n, 0, 'a failed migration leaves no trace');
});
