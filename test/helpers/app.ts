import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import pino, { type Logger } from 'pino';
import type { Test } from 'tap';
import { type AppOptions, buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDb } from '../../src/db/pool.js';
import type { Db } from '../../src/db/types.js';
import { newTestDatabase } from './database.js';

export const OPERATOR_TOKEN = 'test-operator-token-0123456789';

export interface TestContext {
  app: FastifyInstance;
  db: Db;
  /** Plain SQL against the same database, for asserting state. */
  sql: pg.Pool;
  url: string;
  beheer: Record<string, string>;
}

/** How many rows table `tabel` holds (a name written in the test, not a value). */
export async function tel(ctx: TestContext, tabel: string): Promise<number> {
  const { rows } = await ctx.sql.query(`SELECT count(*)::int AS n FROM ${tabel}`);
  return rows[0].n;
}

/** A fresh database and an app on it; both closed when the test ends. */
export async function buildTestApp(
  t: Test,
  env: NodeJS.ProcessEnv = {},
  extra: Partial<Pick<AppOptions, 'mislukteSleutels'>> & { logger?: Logger } = {},
): Promise<TestContext> {
  const { url, drop } = await newTestDatabase();
  const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', ...env });
  const { logger: eigenLogger, ...appExtra } = extra;
  const logger = eigenLogger ?? pino({ level: config.LOG_LEVEL });
  const handle = createDb(url, { max: 5, log: logger });
  const app = await buildApp({ config, db: handle, logger, operatorToken: OPERATOR_TOKEN, ...appExtra });
  await app.ready();
  const sql = new pg.Pool({ connectionString: url, max: 2 });
  // An idle client may still be told of the forced drop below as the pool winds down; that is expected.
  sql.on('error', () => {});
  // One teardown, in order: close every connection, then drop the database.
  t.teardown(async () => {
    await app.close();
    await sql.end();
    await drop();
  });
  return { app, db: handle.db, sql, url, beheer: { authorization: `Bearer ${OPERATOR_TOKEN}` } };
}
