/**
 * Set-up of a run: a fresh embedded PostgreSQL with durability as in production, migrated and provisioned
 * with realistic data, the service and the bare reference as processes of their own, and the samplers
 * every phase is measured with. `ruimOp` takes down whatever of it was started.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, startEmbeddedPostgres } from '../../src/db/embedded.js';
import { migrate } from '../../src/db/migrate.js';
import { type Config, log, ROOT, say } from './config.js';
import { CATALOGUS, richIn, type School } from './data.js';
import { start, stop, stoptKinderen, wachtOp, wachtOpLuisteren } from './kinderen.js';
import { type FaseMeting, type Meter, maakMeter } from './meting.js';
import { RssSampler, startArgumenten } from './proc.js';
import { maakKaleTabellen } from './referenties.js';

/** What a run started, for taking it down again (in `finally`, or by the emergency brake). */
export interface Opruiming {
  tmp?: string;
  db?: Awaited<ReturnType<typeof startEmbeddedPostgres>>;
  service?: ChildProcess;
  bare?: ChildProcess;
  clients: pg.Client[];
}

/** Everything the phases share. */
export interface Omgeving {
  cfg: Config;
  /** The bench's own connection (set-up, references, ledger checks) and the one that samples the others. */
  c: pg.Client;
  monitor: pg.Client;
  versie: string;
  instellingen: Array<{ name: string; setting: string }>;
  scholen: School[];
  schoolVanIndex: Map<number, School>;
  /** Pupils per school. */
  perSchool: number;
  svcUrl: string;
  bareUrl: string;
  pids: { service: number; postmaster: number; bare: number };
  rss: RssSampler;
  meet: Meter;
  /** Every phase's measurements, by name, in the order they ran. */
  metingen: Record<string, FaseMeting>;
  /** Ledger and answer failures, each a line of the report. */
  fouten: string[];
}

/** Stops the run (exit code 2) when it takes longer than `minuten`. */
export function noodrem(minuten: number, o: Opruiming): NodeJS.Timeout {
  const t = setTimeout(() => {
    console.error(`bench: over ${minuten} minutes, stopping`);
    stoptKinderen();
    o.service?.kill('SIGKILL');
    o.bare?.kill('SIGKILL');
    void o.db?.stop().finally(() => process.exit(2));
  }, minuten * 60_000);
  t.unref();
  return t;
}

export async function zetOp(cfg: Config, o: Opruiming): Promise<Omgeving> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'boomk-bench-'));
  o.tmp = tmp;
  // Durability as in production: fsync, synchronous_commit and full_page_writes stay on (defaults).
  const db = await startEmbeddedPostgres(path.join(tmp, 'pg'), log, [
    '-c',
    'shared_preload_libraries=pg_stat_statements',
    '-c',
    'pg_stat_statements.track_planning=on',
    '-c',
    'max_connections=100',
    '-c',
    'track_io_timing=on',
  ]);
  o.db = db;
  const pgDir = path.join(tmp, 'pg');
  const postmaster = Number((await readFile(path.join(pgDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  await migrate(db.url);
  const c = new pg.Client({ connectionString: db.url, application_name: 'bench' });
  await c.connect();
  o.clients.push(c);
  const monitor = new pg.Client({ connectionString: db.url, application_name: 'bench-monitor' });
  await monitor.connect();
  o.clients.push(monitor);
  await c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  const versie = (await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;
  const instellingen = (
    await c.query<{ name: string; setting: string }>(
      `SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes',
              'shared_buffers', 'wal_level', 'max_wal_size') ORDER BY name`,
    )
  ).rows;
  await c.query(
    'CREATE TABLE bench_bare (id bigserial PRIMARY KEY, bericht_id text NOT NULL, resultaat jsonb NOT NULL)',
  );
  await c.query('CREATE TABLE bench_copy (LIKE toetsresultaten INCLUDING ALL)');
  await maakKaleTabellen(c);

  const perSchool = Math.ceil(cfg.leerlingen / cfg.scholen);
  say(`provisioning ${cfg.scholen} schools, ${perSchool * cfg.scholen} pupils, ${CATALOGUS.length} tests`);
  const scholen = await richIn(c, cfg.scholen, perSchool);

  const servicePort = await freePort();
  const barePort = await freePort();
  const gedeeld = { DATABASE_URL: db.url, DB_POOL_MAX: String(cfg.poolMax) };
  const service = start(
    process.execPath,
    // BENCH_SERVICE_NODE_ARGS: node options before npm start's own, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`
    // for a profile of the service over the run (written when it stops).
    [...(process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(/\s+/).filter(Boolean), ...startArgumenten(ROOT)],
    {
      ...gedeeld,
      HOST: '127.0.0.1',
      PORT: String(servicePort),
      LOG_LEVEL: 'warn',
      DATA_DIR: path.join(tmp, 'data'),
      OPERATOR_TOKEN: randomBytes(24).toString('hex'),
    },
    'service',
  );
  o.service = service;
  const bare = start(
    process.execPath,
    ['--import', 'tsx', 'bench/bare-server.ts'],
    { ...gedeeld, PORT: String(barePort) },
    'bare reference',
  );
  o.bare = bare;
  const svcUrl = `http://127.0.0.1:${servicePort}`;
  const bareUrl = `http://127.0.0.1:${barePort}`;
  await wachtOp(`${svcUrl}/health/ready`, 30_000);
  await wachtOpLuisteren(`${bareUrl}/`);
  const svcPid = service.pid!;
  const barePid = bare.pid!;
  const rss = new RssSampler(svcPid, 100);
  say(
    `service pid ${svcPid} on ${svcUrl}; bare reference pid ${barePid}; PostgreSQL ${versie} pid ${postmaster}`,
  );
  const pids = { service: svcPid, postmaster, bare: barePid };
  return {
    cfg,
    c,
    monitor,
    versie,
    instellingen,
    scholen,
    schoolVanIndex: new Map(scholen.map((s) => [s.index, s])),
    perSchool,
    svcUrl,
    bareUrl,
    pids,
    rss,
    meet: maakMeter({ c, monitor, rss, svcUrl, pids }),
    metingen: {},
    fouten: [],
  };
}

export async function ruimOp(o: Opruiming): Promise<void> {
  stoptKinderen();
  for (const cl of o.clients) await cl.end().catch(() => {});
  await stop(o.service);
  await stop(o.bare);
  await o.db?.stop().catch(() => {});
  if (o.tmp) await rm(o.tmp, { recursive: true, force: true }).catch(() => {});
}
