import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Test } from 'tap';
import { type EmbeddedDatabase, freePort } from '../../src/db/embedded.js';
import { migrate } from '../../src/db/migrate.js';
import { startEmbeddedTestServer } from './embedded-server.js';

/** Rejects when `promise` takes longer than `ms`: every wait in a fault test is bounded. */
export async function binnen<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export const wacht = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A dedicated, migrated embedded PostgreSQL that a test can stop for real and start again on the same
 * port and data folder, so that clients keep their URL. Stopped and removed when the test ends.
 */
export interface HerstartbarePostgres {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function herstartbarePostgres(t: Test): Promise<HerstartbarePostgres> {
  const dir = await mkdtemp(path.join(tmpdir(), 'boomk-fault-'));
  const dataDir = path.join(dir, 'pg');
  const port = await freePort();
  let server: EmbeddedDatabase | undefined = await binnen(
    30_000,
    'embedded PostgreSQL start',
    startEmbeddedTestServer(dataDir, port),
  );
  const url = server.url;
  t.teardown(async () => {
    await server?.stop().catch(() => {});
    await rm(dir, { recursive: true, force: true });
  });
  await binnen(30_000, 'migrate', migrate(url));
  return {
    url,
    async stop() {
      const s = server;
      server = undefined;
      await binnen(20_000, 'embedded PostgreSQL stop', s?.stop() ?? Promise.resolve());
    },
    async start() {
      if (server) return;
      server = await binnen(30_000, 'embedded PostgreSQL restart', startEmbeddedTestServer(dataDir, port));
    },
  };
}
