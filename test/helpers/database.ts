import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Test } from 'tap';

/**
 * Each test file gets its own database, copied from a migrated template that `npm test`
 * (scripts/run-tests.ts) prepared, so files run in parallel without meeting each other's rows.
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

export async function createTestDatabase(t: Test): Promise<string> {
  const { url, drop } = await newTestDatabase();
  t.teardown(drop);
  return url;
}

/** A fresh database and the function that drops it; the caller closes its own connections first. */
export async function newTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
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
  const drop = async () => {
    const c = new pg.Client({ connectionString: server });
    await c.connect();
    try {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await c.end();
    }
  };
  return { url: withDatabase(server, name), drop };
}
