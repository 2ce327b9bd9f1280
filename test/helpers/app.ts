import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import pino, { type Logger } from 'pino';
import type { Test } from 'tap';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDb } from '../../src/db/pool.js';
import type { Db } from '../../src/db/types.js';
import { createTestDatabase } from './database.js';

export const OPERATOR_TOKEN = 'test-operator-token-0123456789';

export interface TestContext {
  app: FastifyInstance;
  db: Db;
  /** Plain SQL against the same database, for asserting state. */
  sql: pg.Pool;
  url: string;
  beheer: Record<string, string>;
}

/** A fresh database and an app on it; both closed when the test ends. */
export async function buildTestApp(
  t: Test,
  env: NodeJS.ProcessEnv = {},
  opts: { logger?: Logger } = {},
): Promise<TestContext> {
  let close = async () => {};
  const url = await createTestDatabase(t, () => close());
  const config = loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent', ...env });
  const logger = opts.logger ?? pino({ level: config.LOG_LEVEL });
  const handle = createDb(url, { max: 5, log: logger });
  const app = await buildApp({ config, db: handle, logger, operatorToken: OPERATOR_TOKEN });
  await app.ready();
  const sql = new pg.Pool({ connectionString: url, max: 2 });
  // pool.end() resolves before its clients' sockets close; the DROP … WITH (FORCE) that follows may then
  // hit a closing client, whose 57P01 the pool re-emits: without a listener that fails the test file.
  sql.on('error', () => {});
  close = async () => {
    await app.close();
    await sql.end();
  };
  return { app, db: handle.db, sql, url, beheer: { authorization: `Bearer ${OPERATOR_TOKEN}` } };
}
