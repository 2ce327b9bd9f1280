import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import t from 'tap';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';

const warnings: string[] = [];
const log = { info() {}, warn: (_o: object, msg: string) => void warnings.push(msg) };

async function select1(url: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query('SELECT 1 AS een')).rows[0].een;
  } finally {
    await c.end();
  }
}

t.test('a start finds a server left running by a killed run, stops it, and starts cleanly', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'boomk-emb-'));
  const dataDir = path.join(dir, 'pg');
  const first = await startEmbeddedPostgres(dataDir, log);
  t.equal(await select1(first.url), 1);
  // As after `kill -9` of the service: the server still runs and holds postmaster.pid.
  const second = await startEmbeddedPostgres(dataDir, log);
  t.teardown(async () => {
    await second.stop();
    await rm(dir, { recursive: true, force: true });
  });
  t.equal(await select1(second.url), 1, 'the new server answers on the same data');
  t.ok(
    warnings.some((w) => w.includes('still holds the data folder')),
    'says what it did',
  );
  await t.rejects(select1(first.url), 'the old server is gone');
});
