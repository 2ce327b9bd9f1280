import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Test } from 'tap';

/**
 * Each test file gets its own database, copied from a migrated template that `npm test`
 * (scripts/test.ts) prepared, so files run in parallel without meeting each other's rows.
 */
export function testServerUrl(): string {
  const url = process.env.BOOM_TEST_SERVER_URL;
  if (!url) throw new Error('Run the tests with `npm test` (it prepares the database server and template)');
  return url;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * `beforeDrop` closes what uses the database first: tap runs teardowns in the order they were added, and a
 * DROP … WITH (FORCE) under an open pool kills its idle clients (an unhandled 57P01 error in the test).
 */
export async function createTestDatabase(
  t: Test,
  beforeDrop: () => Promise<void> = async () => {},
): Promise<string> {
  const server = testServerUrl();
  const template = process.env.BOOM_TEST_TEMPLATE ?? 'boomk_template';
  const name = `boomk_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  t.teardown(async () => {
    await beforeDrop();
    const c = new pg.Client({ connectionString: server });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await c.end();
    }
  });
  return withDatabase(server, name);
}
